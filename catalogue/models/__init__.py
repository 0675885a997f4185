"""The catalogue's domain model: the frameworks, what they require, and what suppliers offer.

reference.py  frameworks, capabilities, epics, standards, integrations (loaded from reference_data/)
suppliers.py  suppliers and their contacts
solutions.py  solutions, additional and associated services, and what they claim
prices.py     list prices and their tiers (the arithmetic lives in catalogue/pricing.py)
"""

from .audit import AppendOnlyError, ListingAction, ListingStateChange
from .prices import (
    CalculationType,
    Price,
    PriceTier,
    PriceType,
    ProvisioningType,
    QuantityBasis,
    TimeUnit,
)
from .reference import (
    Capability,
    CapabilityEpic,
    CapabilityStatus,
    Epic,
    EpicLevel,
    Framework,
    Integration,
    IntegrationType,
    Standard,
    StandardType,
)
from .solutions import (
    AdditionalService,
    AssociatedService,
    ClientApplicationType,
    HostingOption,
    HostingType,
    IntegrationDirection,
    PracticeReorganisation,
    PublicationState,
    SLAType,
    Solution,
    SolutionClientApplication,
    SolutionEpic,
    SolutionIntegration,
)
from .suppliers import Supplier, SupplierContact

__all__ = [
    "AdditionalService",
    "AppendOnlyError",
    "AssociatedService",
    "CalculationType",
    "Capability",
    "CapabilityEpic",
    "CapabilityStatus",
    "ClientApplicationType",
    "Epic",
    "EpicLevel",
    "Framework",
    "HostingOption",
    "HostingType",
    "Integration",
    "IntegrationDirection",
    "IntegrationType",
    "ListingAction",
    "ListingStateChange",
    "PracticeReorganisation",
    "Price",
    "PriceTier",
    "PriceType",
    "ProvisioningType",
    "PublicationState",
    "QuantityBasis",
    "SLAType",
    "Solution",
    "SolutionClientApplication",
    "SolutionEpic",
    "SolutionIntegration",
    "Standard",
    "StandardType",
    "Supplier",
    "SupplierContact",
    "TimeUnit",
]
