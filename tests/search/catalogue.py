"""A small catalogue every search scenario runs against, on every backend."""

from __future__ import annotations

import datetime

from catalogue.models import PublicationState
from search.indexing import rebuild
from tests.factories import (
    AdditionalServiceFactory,
    CapabilityEpicFactory,
    CapabilityFactory,
    EpicFactory,
    FrameworkFactory,
    HostingOptionFactory,
    IntegrationFactory,
    IntegrationTypeFactory,
    PriceFactory,
    SolutionClientApplicationFactory,
    SolutionEpicFactory,
    SolutionFactory,
    SolutionIntegrationFactory,
    SupplierFactory,
)


def when(month: int) -> datetime.datetime:
    return datetime.datetime(2026, month, 1, tzinfo=datetime.UTC)


def build_search_catalogue() -> dict[str, int]:
    """Four public listings (and two that must never be found), indexed. Returns name -> solution id."""
    c43 = CapabilityFactory(ref="C43", name="Online Consultation")
    c44 = CapabilityFactory(ref="C44", name="Video Consultation")
    c14 = CapabilityFactory(ref="C14", name="Prescribing", is_foundation=True)
    e1 = EpicFactory(code="E00001", name="Online Consultation request")
    e39 = EpicFactory(code="E00039", name="Conduct Video Consultation")
    e14 = EpicFactory(code="C14E1", name="Access prescribable items")
    for capability, epic in ((c43, e1), (c44, e39), (c14, e14)):
        CapabilityEpicFactory(capability=capability, epic=epic, level="must")
    dfocvc = FrameworkFactory(code="DFOCVC001", name="Digital First Online Consultation", short_name="DFOCVC")
    tif = FrameworkFactory(code="TIF001", name="Tech Innovation Framework", short_name="Tech Innovation")
    im1_bulk = IntegrationTypeFactory(integration=IntegrationFactory(name="IM1"), name="Bulk")
    gpc_html = IntegrationTypeFactory(
        integration=IntegrationFactory(name="GP Connect"), name="Access Record HTML"
    )
    consultly = SupplierFactory(code="99000", organisation__name="Consultly Ltd")
    wellspring = SupplierFactory(code="99001", organisation__name="Wellspring Health")

    def listing(supplier, catalogue_id, name, summary, **fields):
        return SolutionFactory(
            supplier=supplier,
            catalogue_id=catalogue_id,
            name=name,
            summary=summary,
            description=fields.pop("description", "A solution for general practice."),
            features=fields.pop("features", []),
            **fields,
        )

    online = listing(
        consultly,
        "99000-001",
        "Consultly Online",
        "Patients describe their problem online & the practice <b>triages</b> each request.",
        frameworks=[dfocvc],
        capabilities=[c43],
        is_accredited=True,
        published_at=when(1),
    )
    video = listing(
        consultly,
        "99000-002",
        "Consultly Video",
        "Video consultations from a link sent by text message.",
        frameworks=[dfocvc],
        capabilities=[c44],
        published_at=when(3),
    )
    triage = listing(
        wellspring,
        "99001-001",
        "Triageflow",
        "Online consultation and video triage for busy practices.",
        frameworks=[tif],
        capabilities=[c43, c44],
        is_accredited=True,
        published_at=when(2),
    )
    prescribe = listing(
        wellspring,
        "99001-002",
        "Prescribe Right",
        "Electronic prescribing with decision support.",
        frameworks=[tif],
        capabilities=[c14],
        publication_state=PublicationState.IN_REMEDIATION,
        published_at=when(4),
    )
    # Never found: a draft and a suspended listing.
    hidden = [
        (PublicationState.DRAFT, "Hidden Draft Consult"),
        (PublicationState.SUSPENDED, "Suspended Consult"),
    ]
    for number, (state, name) in enumerate(hidden, start=10):
        listing(
            consultly,
            f"99000-0{number}",
            name,
            "Online consultation.",
            capabilities=[c43],
            publication_state=state,
        )

    SolutionEpicFactory(solution=online, capability=c43, epic=e1)
    SolutionEpicFactory(solution=video, capability=c44, epic=e39)
    SolutionEpicFactory(solution=triage, capability=c43, epic=e1)
    extra = AdditionalServiceFactory(solution=triage, name="Triageflow Video")
    extra.epics.add(e39)  # the additional service supplies the video epic
    SolutionEpicFactory(solution=prescribe, capability=c14, epic=e14)
    for solution, hosting in (
        (online, "public_cloud"),
        (video, "private_cloud"),
        (triage, "public_cloud"),
        (triage, "hybrid"),
        (prescribe, "on_premise"),
    ):
        HostingOptionFactory(solution=solution, hosting_type=hosting)
    for solution, client in (
        (online, "browser_based"),
        (video, "native_mobile"),
        (triage, "browser_based"),
        (prescribe, "native_desktop"),
    ):
        SolutionClientApplicationFactory(solution=solution, application_type=client)
    SolutionIntegrationFactory(solution=online, integration_type=im1_bulk, direction="consumer")
    SolutionIntegrationFactory(solution=triage, integration_type=gpc_html, direction="consumer")
    PriceFactory(solution=online, tiers=[(1, None, "1.00")])
    PriceFactory(solution=video, tiers=[(1, None, "2.00")])
    PriceFactory(
        solution=triage,
        price_type="tiered",
        calculation_type="volume",
        tiers=[(1, 5000, "1.50"), (5001, None, "1.20")],
    )
    PriceFactory(solution=prescribe, tiers=[(1, None, "0.50")])
    rebuild()
    return {s.name: s.pk for s in (online, video, triage, prescribe)}
