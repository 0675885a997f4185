"""The catalogue's domain model: the frameworks, what they require, and what suppliers offer.

reference.py  frameworks, capabilities, epics, standards, integrations (loaded from reference_data/)
suppliers.py  suppliers and their contacts
solutions.py  solutions, additional and associated services, and what they claim
prices.py     list prices and their tiers (the arithmetic lives in catalogue/pricing.py)
"""

from .audit import AppendOnlyError, ListingAction, ListingStateChange
from .conformance import (
    CapabilityConformance,
    ConformanceReport,
    EpicConformance,
    HarnessClient,
    HarnessFeed,
    HarnessResult,
    HarnessSecret,
    Outcome,
    ReportFormat,
    ReportSource,
    ReportStatus,
    ReportWarning,
    StandardConformance,
)
from .conformance import (
    CapabilityStatus as ConformanceStatus,
)
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
    "CapabilityConformance",
    "CapabilityEpic",
    "CapabilityStatus",
    "ClientApplicationType",
    "ConformanceReport",
    "ConformanceStatus",
    "Epic",
    "EpicConformance",
    "EpicLevel",
    "Framework",
    "HarnessClient",
    "HarnessFeed",
    "HarnessResult",
    "HarnessSecret",
    "HostingOption",
    "HostingType",
    "Integration",
    "IntegrationDirection",
    "IntegrationType",
    "ListingAction",
    "ListingStateChange",
    "Outcome",
    "PracticeReorganisation",
    "Price",
    "PriceTier",
    "PriceType",
    "ProvisioningType",
    "PublicationState",
    "QuantityBasis",
    "ReportFormat",
    "ReportSource",
    "ReportStatus",
    "ReportWarning",
    "SLAType",
    "Solution",
    "SolutionClientApplication",
    "SolutionEpic",
    "SolutionIntegration",
    "Standard",
    "StandardConformance",
    "StandardType",
    "Supplier",
    "SupplierContact",
    "TimeUnit",
]
