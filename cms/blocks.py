"""StreamField blocks for listing pages.

The supplier-owned structured data of a listing (prices, hosting, integrations, services, contacts)
is edited as blocks so that it lives in the page's revisions: a supplier's change is a draft until the
catalogue team approves it, and every published version is kept. `cms.listings` turns blocks into
`catalogue.listing_content.ListingContent` and back.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from catalogue.models import (
    CalculationType,
    ClientApplicationType,
    HostingType,
    IntegrationDirection,
    PracticeReorganisation,
    ProvisioningType,
    QuantityBasis,
    TimeUnit,
)
from catalogue.pricing import Tier, validate_tiers

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "ol", "ul"]


def integration_type_choices() -> list[tuple[str, str]]:
    from catalogue.models import IntegrationType

    return [(str(t.pk), str(t)) for t in IntegrationType.objects.select_related("integration")]


class PriceTierBlock(blocks.StructBlock):
    lower = blocks.IntegerBlock(min_value=1, label="From", help_text="The first quantity in this tier.")
    upper = blocks.IntegerBlock(
        required=False,
        min_value=1,
        label="To",
        help_text="The last quantity in this tier; empty for no limit.",
    )
    unit_price = blocks.DecimalBlock(
        min_value=Decimal(0),
        max_digits=18,
        decimal_places=4,
        label="Price (£)",
        help_text="Up to 4 decimals.",
    )

    class Meta:
        icon = "list-ol"
        label = "Tier"


class PriceBlock(blocks.StructBlock):
    provisioning_type = blocks.ChoiceBlock(
        choices=ProvisioningType.choices,
        help_text="Per patient: the quantity is the practice's list size, charged per year.",
    )
    unit_description = blocks.CharBlock(max_length=100, help_text='What one unit is, such as "per patient".')
    range_description = blocks.CharBlock(
        required=False, max_length=100, help_text='The unit in the plural, for tier ranges: "patients".'
    )
    unit_definition = blocks.TextBlock(
        required=False, help_text="Anything a buyer needs to know about a unit."
    )
    time_unit = blocks.ChoiceBlock(
        choices=[("", "One-off charge"), *TimeUnit.choices], required=False, label="Charged"
    )
    calculation_type = blocks.ChoiceBlock(
        choices=CalculationType.choices,
        default=CalculationType.SINGLE_FIXED,
        help_text="Only matters with more than one tier.",
    )
    quantity_basis = blocks.ChoiceBlock(
        choices=QuantityBasis.choices, default=QuantityBasis.PER_SOLUTION, label="Tiers apply to"
    )
    tiers = blocks.ListBlock(PriceTierBlock(), min_num=1, help_text="One tier for a flat price.")

    class Meta:
        icon = "doc-full"
        label = "List price"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if (
            value["provisioning_type"] == ProvisioningType.PER_PATIENT
            and value["time_unit"] != TimeUnit.PER_YEAR
        ):
            errors["time_unit"] = ErrorList(["A per-patient price is charged per year."])
        try:
            validate_tiers([Tier(t["lower"], t["upper"], t["unit_price"]) for t in value["tiers"]])
        except ValidationError as error:
            errors["tiers"] = ErrorList(error.messages)
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class HostingBlock(blocks.StructBlock):
    hosting_type = blocks.ChoiceBlock(choices=HostingType.choices)
    summary = blocks.TextBlock(help_text="How the solution is hosted this way.")
    link = blocks.URLBlock(required=False, help_text="A page with more detail.")
    hosting_model = blocks.TextBlock(required=False)
    requires_hscn = blocks.CharBlock(
        required=False,
        max_length=255,
        label="HSCN requirement",
        help_text="Whether devices must connect to HSCN.",
    )

    class Meta:
        icon = "site"
        label = "Hosting option"


class IntegrationTypeBlock(blocks.ChoiceBlock):
    """A choice of integration type, from the catalogue's reference data.

    The choices come from the database, so reading a stored value must not build the form field (that
    would query the choices once per integration on every page view): the stored id is the value."""

    def to_python(self, value):
        return value


class IntegrationBlock(blocks.StructBlock):
    integration_type = IntegrationTypeBlock(choices=integration_type_choices, label="Integration")
    direction = blocks.ChoiceBlock(
        choices=IntegrationDirection.choices,
        help_text="Provider: the solution offers the interface. Consumer: it uses another system's.",
    )
    integrates_with = blocks.CharBlock(
        required=False,
        max_length=255,
        help_text="For a consumer: the systems it connects to, such as EMIS Web.",
    )
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "link"
        label = "Integration"


class ContactBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=255)
    department = blocks.CharBlock(required=False, max_length=255)
    email = blocks.EmailBlock()
    phone = blocks.CharBlock(required=False, max_length=30)

    class Meta:
        icon = "user"
        label = "Contact"


class FeatureBlock(blocks.StructBlock):
    """One short feature. A struct, not a bare CharBlock, so the admin labels its input (WCAG)."""

    text = blocks.CharBlock(max_length=100, label="Feature")

    class Meta:
        icon = "tick"
        label = "Feature"


class RequirementBlock(blocks.StructBlock):
    """One client application requirement, such as "Browsers supported: Chrome, Edge"."""

    label = blocks.CharBlock(max_length=100)
    text = blocks.TextBlock()

    class Meta:
        icon = "cog"
        label = "Requirement"


class ServiceBlock(blocks.StructBlock):
    """What every service a supplier lists has: its catalogue id once published, words and prices."""

    catalogue_id = blocks.CharBlock(
        required=False,
        max_length=16,
        label="Service id",
        help_text="Given by the catalogue when first published; leave empty for a new service.",
    )
    name = blocks.CharBlock(max_length=255)
    summary = blocks.TextBlock(required=False, max_length=350)
    description = blocks.TextBlock(required=False, max_length=3000)
    prices = blocks.ListBlock(PriceBlock(), min_num=1, label="List prices")


class AdditionalServiceBlock(ServiceBlock):
    class Meta:
        icon = "plus"
        label = "Additional service"


class AssociatedServiceBlock(ServiceBlock):
    order_guidance = blocks.TextBlock(required=False)
    practice_reorganisation = blocks.ChoiceBlock(
        choices=PracticeReorganisation.choices, required=False, default=PracticeReorganisation.NONE
    )

    class Meta:
        icon = "calendar"
        label = "Associated service"


# --- The supplier's own rich content -----------------------------------------------------------


class FeatureSectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "pick"
        label = "Feature"
        template = "cms/blocks/feature_section.html"


class ScreenshotBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        label="Alternative text",
        help_text="What the screenshot shows, for people who cannot see it. Required.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "Screenshot"
        template = "cms/blocks/screenshot.html"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "alt_text": ErrorList(["Describe the screenshot for people who cannot see it."])
                }
            )
        return value


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    organisation = blocks.CharBlock(
        max_length=200, help_text="Who used the solution, such as a practice or PCN."
    )
    summary = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    quote = blocks.TextBlock(required=False)
    quote_by = blocks.CharBlock(required=False, max_length=200, label="Quote from")

    class Meta:
        icon = "openquote"
        label = "Case study"
        template = "cms/blocks/case_study.html"


class ListingBodyBlock(blocks.StreamBlock):
    feature = FeatureSectionBlock()
    screenshot = ScreenshotBlock()
    case_study = CaseStudyBlock()
    implementation_approach = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="list-ul",
        label="Implementation approach",
        template="cms/blocks/implementation_approach.html",
    )


# --- Guidance pages ------------------------------------------------------------------------------


class InsetTextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        label = "Inset text"
        template = "cms/blocks/inset_text.html"


class WarningCalloutBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = "Warning callout"
        template = "cms/blocks/warning_callout.html"


class DetailsBlock(blocks.StructBlock):
    summary = blocks.CharBlock(max_length=200, help_text="The line a reader clicks to open it.")
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "arrow-down"
        label = "Expander (details)"
        template = "cms/blocks/details.html"


class GuidanceBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=120, icon="title", template="cms/blocks/heading.html")
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    inset_text = InsetTextBlock(features=RICH_TEXT_FEATURES)
    warning = WarningCalloutBlock()
    details = DetailsBlock()


CLIENT_APPLICATION_CHOICES = ClientApplicationType.choices
