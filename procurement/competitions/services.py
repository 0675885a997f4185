"""Every change to a competition happens here. Each function takes the acting user as a keyword
argument, runs in one transaction with the competition's row locked, checks that the user buys for
its organisation and that the competition is still open, checks the framework's rules, changes,
and writes an AuditRecord with what it was before and after.

The rules live here, not in the pages: 2 to 8 solutions selected with a justification for each one
left out (or exactly one, for a direct award); only awardable solutions (accredited, on a live
framework, published or in remediation: catalogue.conformance.awards) selected or awarded; the
contract no longer than the frameworks allow; recipients among the organisation's practices;
weightings within the framework's bounds; negotiated prices never above the list price; every
selected solution scored 1-5 with a justification; the route allowed by the estimated value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Organisation
from catalogue.conformance.awards import award_problems
from catalogue.models import IntegrationType, ListingAction, ListingStateChange, Price, Solution
from procurement import saved_searches
from procurement.models import AuditAction, Shortlist
from procurement.querysets import can_buy_for
from procurement.services import audit

from . import results, scoring
from .models import (
    JUSTIFICATION_MAX_LENGTH,
    MAX_SELECTED,
    MIN_SELECTED,
    NAME_MAX_LENGTH,
    Competition,
    CompetitionSolution,
    CompetitionStatus,
    Criteria,
    Route,
)

if TYPE_CHECKING:
    from accounts.models import User
    from procurement.orders.models import Order

# A competition is run between a handful of solutions; a shortlist matching more than this is a search
# to narrow first, not a field to freeze.
MAX_FROZEN = 30
# The recipients CSV: a column of ODS codes. An ICB has a few hundred practices; 256 KB is thousands.
CSV_MAX_BYTES = 256 * 1024
ODS_PRACTICE = re.compile(r"^[A-Z]\d{5}$")
MAX_FEATURE_LINES = 30
FEATURE_MAX_LENGTH = 300
MAX_QUANTITY = 10_000_000

# The lifecycle: what each status may become.
TRANSITIONS: dict[str, set[str]] = {
    CompetitionStatus.IN_PROGRESS: {CompetitionStatus.AWARDED, CompetitionStatus.CANCELLED},
    CompetitionStatus.AWARDED: set(),
    CompetitionStatus.CANCELLED: set(),
}


class CompetitionClosed(ValidationError):
    """The competition has been awarded or cancelled: nothing in it changes any more."""


# --- Checks ------------------------------------------------------------------------------------------


def _check_buyer(user: User, organisation: Organisation) -> None:
    if not can_buy_for(user, organisation):
        raise PermissionDenied("Only the organisation's buyers can run its competitions.")


def _locked(competition: Competition, user: User) -> Competition:
    """The competition's row, locked for this transaction, after the permission and status checks."""
    locked = Competition.objects.select_for_update().select_related("organisation").get(pk=competition.pk)
    _check_buyer(user, locked.organisation)
    if not locked.is_open:
        raise CompetitionClosed(
            f"This competition has been {locked.get_status_display().lower()}: it can no longer be changed.",
            code="closed",
        )
    return locked


def _move(competition: Competition, status: str) -> None:
    if status not in TRANSITIONS[competition.status]:
        raise ValidationError(
            f"A competition that is {competition.get_status_display().lower()} cannot become "
            f"{CompetitionStatus(status).label.lower()}.",
            code="transition",
        )
    competition.status = status


def _live_solution_problems(frozen: CompetitionSolution) -> list[str]:
    if frozen.solution is None:
        return ["it has been withdrawn from the catalogue"]
    return award_problems(frozen.solution)


def _audit(action: str, competition: Competition, *, user: User, before=None, after=None, **extra) -> None:
    details = {"before": before, "after": after} if before is not None or after is not None else {}
    details.update(extra)
    audit(action, competition, user=user, details=details)


# --- Starting: freezing what matches the shortlist -----------------------------------------------------


def _listing_versions(solution_ids: Iterable[int]) -> dict[int, str]:
    """The live version of each listing: the catalogue's record of its latest approval (which keeps the
    content that went live), where it has one; seeded listings have none and keep `published_at`."""
    latest = (
        ListingStateChange.objects.filter(solution_id__in=list(solution_ids), action=ListingAction.APPROVED)
        .values("solution_id")
        .annotate(latest=Max("pk"))
    )
    return {row["solution_id"]: str(row["latest"]) for row in latest}


def _price_snapshot(price: Price) -> dict:
    return {
        "key": str(price.pk),
        "unit_description": price.unit_description,
        "range_description": price.range_description,
        "provisioning_type": price.provisioning_type,
        "price_type": price.price_type,
        "calculation_type": price.calculation_type,
        "quantity_basis": price.quantity_basis,
        "time_unit": price.time_unit,
        "tiers": [
            {"lower": tier.lower, "upper": tier.upper, "unit_price": str(tier.unit_price)}
            for tier in price.tiers.all()
        ],
    }


def freeze(competition: Competition, solution_ids: Sequence[int]) -> list[CompetitionSolution]:
    """Copy the solutions (in search-rank order) as they are now into the competition."""
    solutions = (
        Solution.objects.published()
        .filter(pk__in=solution_ids)
        .select_related("supplier")
        .prefetch_related("prices__tiers", "frameworks", "integrations__integration_type__integration")
        .in_bulk()
    )
    versions = _listing_versions(solutions)
    today = timezone.localdate()
    rows = []
    for rank, solution_id in enumerate(solution_ids, start=1):
        solution = solutions.get(solution_id)
        if solution is None:
            continue
        rows.append(
            CompetitionSolution(
                competition=competition,
                solution=solution,
                catalogue_id=solution.catalogue_id,
                solution_name=solution.name,
                supplier_name=solution.supplier.name,
                listing_version=versions.get(solution.pk, ""),
                published_at=solution.published_at,
                publication_state=solution.publication_state,
                is_accredited=solution.is_accredited,
                frameworks=[
                    {
                        "code": framework.code,
                        "name": str(framework),
                        "maximum_term_months": framework.maximum_term_months,
                        "live": framework.is_live(today),
                    }
                    for framework in solution.frameworks.all()
                ],
                prices=[_price_snapshot(price) for price in solution.prices.all() if price.is_published],
                integrations=sorted(
                    {
                        f"{link.integration_type.integration.name}: {link.integration_type.name}"
                        for link in solution.integrations.all()
                    }
                ),
                sla_type=solution.sla_type,
                search_rank=rank,
            )
        )
    return CompetitionSolution.objects.bulk_create(rows)


def create_competition(
    *,
    organisation: Organisation,
    user: User,
    shortlist: Shortlist,
    name: str = "",
    recipients: Sequence[Organisation] = (),
    maximum_term_months: int | None = None,
) -> Competition:
    """Start a competition from a shortlist: the solutions matching it now are frozen (listing version,
    price list, accreditation and listing state, search rank). When exactly one matches, it is
    selected and the direct-award route is taken. `recipients` and `maximum_term_months` pre-fill those
    sections (as a replacement call-off does) and are checked as if the buyer had entered them."""
    name = " ".join((name or "").split()) or f"Competition: {shortlist.name}"[:NAME_MAX_LENGTH]
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": f"The name must be {NAME_MAX_LENGTH} characters or fewer."})
    with transaction.atomic():
        _check_buyer(user, organisation)
        if shortlist.organisation_id != organisation.pk:
            raise PermissionDenied("That shortlist belongs to another organisation.")
        matching = saved_searches.matching_ids(shortlist.parameters, limit=MAX_FROZEN + 1)
        if not matching:
            raise ValidationError(
                "No solutions match this shortlist now, so there is nothing to compete.", code="empty"
            )
        if len(matching) > MAX_FROZEN:
            raise ValidationError(
                f"More than {MAX_FROZEN} solutions match this shortlist. Narrow the search first: a "
                f"competition is between {MIN_SELECTED} and {MAX_SELECTED} solutions.",
                code="too_many",
            )
        competition = Competition.objects.create(
            organisation=organisation,
            name=name,
            shortlist=shortlist,
            shortlist_name=shortlist.name,
            search_parameters=shortlist.parameters,
            created_by=user,
        )
        frozen = freeze(competition, matching)
        if not frozen:
            raise ValidationError(
                "No solutions match this shortlist now, so there is nothing to compete.", code="empty"
            )
        if len(frozen) == 1:
            frozen[0].selected = True
            frozen[0].save(update_fields=["selected"])
            competition.route = Route.DIRECT_AWARD
            competition.selection_confirmed = True
            competition.save(update_fields=["route", "selection_confirmed"])
        _audit(
            AuditAction.COMPETITION_CREATED,
            competition,
            user=user,
            after={
                "name": competition.name,
                "shortlist": shortlist.name,
                "search": shortlist.parameters,
                "solutions": [
                    {
                        "id": row.catalogue_id,
                        "name": row.solution_name,
                        "listing_version": row.listing_version,
                        "accredited": row.is_accredited,
                        "rank": row.search_rank,
                    }
                    for row in frozen
                ],
                "route": competition.route,
            },
        )
    if recipients:
        set_recipients(competition, user=user, recipients=recipients)
    if maximum_term_months is not None:
        set_contract_length(competition, user=user, months=maximum_term_months)
    competition.refresh_from_db()
    return competition


# --- Choosing solutions -------------------------------------------------------------------------------


def select_solutions(
    competition: Competition, *, user: User, selected: Iterable[str], reasons: Mapping[str, str]
) -> Competition:
    """Select the solutions to compete (by catalogue id), with a written justification for each one
    left out. 2 to 8 make a competition; exactly one makes a direct award. Errors are keyed by the
    form fields ("selected", "reason-<catalogue id>")."""
    chosen = set(selected)
    with transaction.atomic():
        locked = _locked(competition, user)
        frozen = list(locked.solutions.select_related("solution").all())
        known = {row.catalogue_id for row in frozen}
        errors: dict[str, list[str]] = {}
        if chosen - known:
            errors["selected"] = ["Choose from the solutions in this competition."]
        elif not chosen:
            errors["selected"] = ["Choose at least one solution that meets your needs."]
        elif len(chosen) > MAX_SELECTED:
            errors["selected"] = [f"Choose at most {MAX_SELECTED} solutions; you chose {len(chosen)}."]
        cleaned: dict[str, str] = {}
        for row in frozen:
            if row.catalogue_id in chosen:
                problems = _live_solution_problems(row)
                if problems:
                    errors.setdefault(f"select-{row.catalogue_id}", []).append(
                        f"{row.solution_name} cannot be awarded: {'; '.join(problems)}. Leave it out."
                    )
                continue
            reason = " ".join((reasons.get(row.catalogue_id) or "").split())
            if not reason:
                errors[f"reason-{row.catalogue_id}"] = [
                    f"Say why {row.solution_name} does not meet your needs"
                ]
            elif len(reason) > JUSTIFICATION_MAX_LENGTH:
                errors[f"reason-{row.catalogue_id}"] = [
                    f"The reason for leaving out {row.solution_name} must be "
                    f"{JUSTIFICATION_MAX_LENGTH:,} characters or fewer"
                ]
            cleaned[row.catalogue_id] = reason
        if errors:
            raise ValidationError(errors)
        before = {
            "selected": sorted(r.catalogue_id for r in frozen if r.selected),
            "left_out": {r.catalogue_id: r.exclusion_reason for r in frozen if r.selected is False},
            "route": locked.route,
        }
        for row in frozen:
            row.selected = row.catalogue_id in chosen
            row.exclusion_reason = "" if row.selected else cleaned[row.catalogue_id]
        CompetitionSolution.objects.bulk_update(frozen, ["selected", "exclusion_reason"])
        locked.route = Route.DIRECT_AWARD if len(chosen) == 1 else Route.COMPETITION
        locked.selection_confirmed = True
        locked.save(update_fields=["route", "selection_confirmed", "updated_at"])
        _audit(
            AuditAction.COMPETITION_CHANGED,
            locked,
            user=user,
            section="solutions",
            before=before,
            after={"selected": sorted(chosen), "left_out": cleaned, "route": locked.route},
        )
    return locked


# --- Service recipients -------------------------------------------------------------------------------


def set_recipients(
    competition: Competition, *, user: User, recipients: Sequence[Organisation]
) -> Competition:
    """The practices the contract is for: each must be one the organisation buys for."""
    with transaction.atomic():
        locked = _locked(competition, user)
        allowed = Organisation.objects.practices_of(locked.organisation)
        wanted = {organisation.pk for organisation in recipients}
        if not wanted:
            raise ValidationError({"recipients": ["Choose at least one practice"]})
        found = set(allowed.filter(pk__in=wanted).values_list("pk", flat=True))
        if found != wanted:
            raise ValidationError({"recipients": ["Choose only practices your organisation buys for"]})
        before = sorted(locked.recipients.values_list("ods_code", flat=True))
        locked.recipients.set(found)
        locked.recipients_confirmed = True
        locked.save(update_fields=["recipients_confirmed", "updated_at"])
        after = sorted(Organisation.objects.filter(pk__in=found).values_list("ods_code", flat=True))
        _audit(
            AuditAction.COMPETITION_CHANGED,
            locked,
            user=user,
            section="recipients",
            before={"recipients": before},
            after={"recipients": after},
        )
    return locked


def parse_recipients_csv(upload, organisation: Organisation) -> list[Organisation]:
    """The practices listed in an uploaded CSV of ODS codes (first column; a header row is optional).
    Every bad line is reported with its number, together, as one ValidationError on "csv_file";
    nothing is saved here (set_recipients saves, all or nothing)."""
    size = getattr(upload, "size", None)
    if size is not None and size > CSV_MAX_BYTES:
        raise ValidationError({"csv_file": [f"The file must be {CSV_MAX_BYTES // 1024} KB or smaller"]})
    raw = upload.read(CSV_MAX_BYTES + 1)
    if len(raw) > CSV_MAX_BYTES:
        raise ValidationError({"csv_file": [f"The file must be {CSV_MAX_BYTES // 1024} KB or smaller"]})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"csv_file": ["The file must be a CSV file saved as UTF-8"]}) from None
    if "\x00" in text:
        raise ValidationError({"csv_file": ["The file must be a CSV file saved as UTF-8"]})
    practices = {practice.ods_code: practice for practice in Organisation.objects.practices_of(organisation)}
    errors: list[str] = []
    chosen: dict[str, Organisation] = {}
    first_seen: dict[str, int] = {}
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise ValidationError({"csv_file": [f"The file is not a readable CSV file ({error})"]}) from None
    for number, row in enumerate(rows, start=1):
        code = (row[0] if row else "").strip().upper()
        if not code:
            continue
        if number == 1 and not ODS_PRACTICE.match(code) and "ODS" in code:
            continue  # the header
        if not ODS_PRACTICE.match(code):
            errors.append(
                f"Line {number}: “{code[:20]}” is not a practice ODS code (a letter and five digits)"
            )
        elif code in first_seen:
            errors.append(f"Line {number}: {code} is listed twice (first on line {first_seen[code]})")
        elif code not in practices:
            errors.append(f"Line {number}: {code} is not an open practice {organisation.name} buys for")
        else:
            first_seen[code] = number
            chosen[code] = practices[code]
    if errors:
        raise ValidationError({"csv_file": errors})
    if not chosen:
        raise ValidationError({"csv_file": ["The file lists no ODS codes"]})
    return list(chosen.values())


def recipients_template_csv(organisation: Organisation) -> str:
    """The CSV a buyer fills in: the header and, as a starting point, every practice they buy for."""
    from procurement.csv_cells import safe_cell

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ODS code", "Practice name (ignored)"])
    for practice in Organisation.objects.practices_of(organisation).order_by("name", "ods_code"):
        writer.writerow([safe_cell(practice.ods_code), safe_cell(practice.name)])
    return out.getvalue()


# --- Contract length ----------------------------------------------------------------------------------


def set_contract_length(competition: Competition, *, user: User, months: int | None) -> Competition:
    """The maximum term in months: at least 1, at most the frameworks' maximum call-off term."""
    with transaction.atomic():
        locked = _locked(competition, user)
        allowed = results.allowed_term(locked)
        if not allowed:
            raise ValidationError(
                {"months": ["None of the solutions is on a live framework, so no contract can be made"]}
            )
        if months is None:
            raise ValidationError({"months": ["Enter the contract length in months"]})
        if not 1 <= months <= allowed:
            raise ValidationError(
                {
                    "months": [
                        f"The contract length must be 1 to {allowed} months (the framework's maximum term)"
                    ]
                }
            )
        before = locked.maximum_term_months
        locked.maximum_term_months = months
        locked.save(update_fields=["maximum_term_months", "updated_at"])
        _audit(
            AuditAction.COMPETITION_CHANGED,
            locked,
            user=user,
            section="contract_length",
            before={"maximum_term_months": before},
            after={"maximum_term_months": months},
        )
    return locked


# --- Award criteria -----------------------------------------------------------------------------------


def set_criteria(
    competition: Competition,
    *,
    user: User,
    criteria: str,
    price_weight: int | None = None,
    element_weights: Mapping[str, int | None] | None = None,
    feature_requirements: Sequence[Mapping[str, str]] = (),
    required_integration_types: Sequence[IntegrationType] = (),
) -> Competition:
    """Price only, or price and non-price with weightings (scoring.weight_errors). Feature lines are
    {"text", "level": "must"|"should"}; integration types are the IM1 / GP Connect interfaces the
    buyer requires (what the interoperability element is scored against)."""
    element_weights = dict(element_weights or {})
    if criteria not in Criteria.values:
        raise ValidationError({"criteria": ["Choose price only, or price and non-price"]})
    price_only = criteria == Criteria.PRICE_ONLY
    errors = {
        key: [message]
        for key, message in scoring.weight_errors(price_only, price_weight, element_weights).items()
    }
    features = []
    for number, line in enumerate(feature_requirements, start=1):
        text = " ".join((line.get("text") or "").split())
        if not text:
            continue
        if len(text) > FEATURE_MAX_LENGTH:
            errors.setdefault(f"feature-{number}", []).append(
                f"Feature {number} must be {FEATURE_MAX_LENGTH} characters or fewer"
            )
        if line.get("level") not in {"must", "should"}:
            errors.setdefault(f"feature-{number}-level", []).append(
                f"Say whether feature {number} is a must or a should"
            )
        features.append({"text": text, "level": line.get("level", "")})
    if len(features) > MAX_FEATURE_LINES:
        errors.setdefault("feature-1", []).append(f"List at most {MAX_FEATURE_LINES} features")
    if not price_only and element_weights.get("features") and not features:
        errors.setdefault("feature-1", []).append("List the features you need, or weight features 0%")
    if not price_only and element_weights.get("interoperability") and not required_integration_types:
        errors.setdefault("integration_types", []).append(
            "Choose the integrations you require, or weight interoperability 0%"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(competition, user)
        before = _criteria_state(locked)
        locked.criteria = criteria
        locked.price_weight = 100 if price_only else price_weight
        for element in scoring.ELEMENTS:
            setattr(locked, f"{element}_weight", 0 if price_only else element_weights[element])
        locked.feature_requirements = [] if price_only else features
        locked.save()
        locked.required_integration_types.set([] if price_only else list(required_integration_types))
        _audit(
            AuditAction.COMPETITION_CHANGED,
            locked,
            user=user,
            section="criteria",
            before=before,
            after=_criteria_state(locked),
        )
    return locked


def _criteria_state(competition: Competition) -> dict:
    return {
        "criteria": competition.criteria,
        "price_weight": competition.price_weight,
        "element_weights": competition.element_weights(),
        "features": competition.feature_requirements,
        "integration_types": sorted(
            f"{t.integration.name}: {t.name}"
            for t in competition.required_integration_types.select_related("integration")
        ),
    }


# --- Prices and quantities ----------------------------------------------------------------------------


def set_prices(competition: Competition, *, user: User, entries: Mapping[str, Mapping]) -> Competition:
    """For each selected solution (by catalogue id): {"price": frozen price key, "agreed_unit_price":
    text or "", "quantities": {ODS code: text}}. A negotiated price is only for a flat price and never
    above its list price; quantities are whole numbers for every recipient. All or nothing."""
    with transaction.atomic():
        locked = _locked(competition, user)
        recipients = results.recipients_of(locked)
        selected = results.selected_solutions(locked)
        errors: dict[str, list[str]] = {}
        updates = []
        for solution in selected:
            cid = solution.catalogue_id
            entry = entries.get(cid) or {}
            price = solution.price(entry.get("price") or "")
            if price is None:
                errors[f"price-{cid}"] = [f"Choose the price for {solution.solution_name}"]
                continue
            frozen = scoring.FrozenPrice.from_snapshot(price)
            agreed_text = str(entry.get("agreed_unit_price") or "").strip()
            agreed = None
            if agreed_text:
                agreed = scoring.parse_money(agreed_text)
                if not frozen.is_flat:
                    errors[f"agreed-{cid}"] = [
                        f"A negotiated price can only replace a flat price; "
                        f"{solution.solution_name}'s is tiered"
                    ]
                elif agreed is None:
                    errors[f"agreed-{cid}"] = [
                        f"Enter {solution.solution_name}'s negotiated price as an amount in pounds, "
                        "like 1.25, with at most 4 decimal places"
                    ]
                elif agreed > frozen.list_unit_price:
                    errors[f"agreed-{cid}"] = [
                        f"The negotiated price for {solution.solution_name} cannot be above its list price "
                        f"(£{frozen.list_unit_price.normalize():f})"
                    ]
            quantities = {}
            for recipient in recipients:
                text = (
                    str((entry.get("quantities") or {}).get(recipient.ods_code, "")).strip().replace(",", "")
                )
                if not text.isdigit() or int(text) > MAX_QUANTITY:
                    errors[f"quantity-{cid}-{recipient.ods_code}"] = [
                        f"Enter a whole number of units for {recipient.name} ({solution.solution_name})"
                    ]
                else:
                    quantities[recipient.ods_code] = int(text)
            updates.append((solution, price["key"], agreed, quantities))
        if errors:
            raise ValidationError(errors)
        before = {s.catalogue_id: _price_state(s) for s in selected}
        for solution, key, agreed, quantities in updates:
            solution.price_key, solution.agreed_unit_price, solution.quantities = key, agreed, quantities
        CompetitionSolution.objects.bulk_update(
            [update[0] for update in updates], ["price_key", "agreed_unit_price", "quantities"]
        )
        locked.save(update_fields=["updated_at"])
        _audit(
            AuditAction.COMPETITION_CHANGED,
            locked,
            user=user,
            section="prices",
            before=before,
            after={s.catalogue_id: _price_state(s) for s in selected},
        )
    return locked


def _price_state(solution: CompetitionSolution) -> dict:
    return {
        "price": solution.price_key,
        "agreed_unit_price": None if solution.agreed_unit_price is None else str(solution.agreed_unit_price),
        "quantities": solution.quantities,
    }


# --- Scores -------------------------------------------------------------------------------------------


def set_scores(
    competition: Competition, *, user: User, scores: Mapping[str, Mapping[str, Mapping]]
) -> Competition:
    """Scores per selected solution and weighted element: {catalogue id: {element: {"score": "1"-"5",
    "justification": text}}}. Every weighted element of every selected solution, all or nothing."""
    with transaction.atomic():
        locked = _locked(competition, user)
        if locked.criteria != Criteria.PRICE_AND_NON_PRICE:
            raise ValidationError("Only non-price criteria are scored: set the award criteria first.")
        elements = [element for element, weight in locked.element_weights().items() if weight]
        selected = results.selected_solutions(locked)
        errors: dict[str, list[str]] = {}
        cleaned: dict[str, dict] = {}
        for solution in selected:
            cid = solution.catalogue_id
            given = scores.get(cid) or {}
            cleaned[cid] = {}
            for element in elements:
                label = scoring.ELEMENTS[element].lower()
                entry = given.get(element) or {}
                score = scoring.parse_score(entry.get("score"))
                justification = " ".join(str(entry.get("justification") or "").split())
                if score is None:
                    errors[f"score-{cid}-{element}"] = [
                        f"Score {solution.solution_name} for {label} from 1 to 5"
                    ]
                if not justification:
                    errors[f"justification-{cid}-{element}"] = [
                        f"Justify {solution.solution_name}'s score for {label}"
                    ]
                elif len(justification) > JUSTIFICATION_MAX_LENGTH:
                    errors[f"justification-{cid}-{element}"] = [
                        f"The justification of {solution.solution_name}'s score for {label} must be "
                        f"{JUSTIFICATION_MAX_LENGTH:,} characters or fewer"
                    ]
                cleaned[cid][element] = {"score": score, "justification": justification}
        if errors:
            raise ValidationError(errors)
        before = {s.catalogue_id: s.scores for s in selected}
        for solution in selected:
            solution.scores = cleaned[solution.catalogue_id]
        CompetitionSolution.objects.bulk_update(selected, ["scores"])
        locked.save(update_fields=["updated_at"])
        _audit(AuditAction.COMPETITION_SCORED, locked, user=user, before=before, after=cleaned)
    return locked


# --- Awarding -----------------------------------------------------------------------------------------


def _order_for(
    locked: Competition, solution: CompetitionSolution, cost: results.SolutionCost, *, user: User, route: str
) -> Order:
    """The order, pre-filled through the orders app (which checks the buyer and awardability again)."""
    from procurement.orders.services import ItemDraft, create_order

    price = Price.objects.filter(pk=int(cost.price["key"]), solution_id=solution.solution_id).first()
    if price is None:
        raise ValidationError(
            f"{solution.solution_name}'s price has been withdrawn from the catalogue since the competition "
            "started; ask the supplier, then start again from the shortlist."
        )
    per_recipient = (
        cost.price["provisioning_type"] == "per_patient"
        or cost.price["quantity_basis"] == "per_service_recipient"
    )
    item = ItemDraft(
        price=price,
        agreed_unit_price=cost.agreed_unit_price,
        quantities=cost.quantities if per_recipient else None,
        quantity=None if per_recipient else (sum(cost.quantities.values()) or None),
    )
    return create_order(
        organisation=locked.organisation,
        user=user,
        solution=solution.solution,
        route=route,
        recipients=list(locked.recipients.all()),
        items=[item],
        maximum_term_months=locked.maximum_term_months,
        description=locked.name,
    )


def _check_awardable(solution: CompetitionSolution) -> None:
    problems = _live_solution_problems(solution)
    if problems:
        raise ValidationError(
            f"{solution.solution_name} cannot be awarded: {'; '.join(problems)}.", code="not_awardable"
        )


def award_competition(
    competition: Competition, *, user: User, catalogue_id: str | None = None, justification: str = ""
) -> Order:
    """Award the competition to the highest-ranked solution and make its order. With a tie at the top
    the buyer names which of the tied solutions wins and why. Refused unless every section is done,
    the estimated value is within the catalogue competition limit, and the winner is awardable today.
    Locking the row makes a double-submitted award one award."""
    with transaction.atomic():
        locked = _locked(competition, user)
        if locked.route != Route.COMPETITION:
            raise ValidationError("This call-off takes the direct-award route, not a competition.")
        if not results.ready_for_results(locked):
            raise ValidationError("Finish every section of the competition before awarding it.")
        solution_costs = results.costs(locked)
        routes = results.routes(locked, solution_costs)
        if not routes.available(results.COMPETITION):
            raise ValidationError(routes.option(results.COMPETITION).reason)
        ranked = results.compute_results(locked, solution_costs)
        top = results.winners(ranked)
        justification = " ".join((justification or "").split())
        if len(top) > 1:
            if catalogue_id not in {r.solution.catalogue_id for r in top}:
                raise ValidationError(
                    {"winner": ["Solutions are tied for first place: choose which of them you award"]}
                )
            if not justification:
                raise ValidationError({"justification": ["Say why you chose this one of the tied solutions"]})
            winner = next(r for r in top if r.solution.catalogue_id == catalogue_id)
        else:
            winner = top[0]
            if catalogue_id and catalogue_id != winner.solution.catalogue_id:
                raise ValidationError({"winner": ["Only the highest-ranked solution can be awarded"]})
        _check_awardable(winner.solution)
        order = _order_for(locked, winner.solution, winner.cost, user=user, route=Route.COMPETITION)
        _finish_award(locked, winner.solution, order, user=user, justification=justification)
        _audit(
            AuditAction.COMPETITION_AWARDED,
            locked,
            user=user,
            before={"status": CompetitionStatus.IN_PROGRESS},
            after={
                "status": locked.status,
                "winner": winner.solution.catalogue_id,
                "order": order.call_off_id,
            },
            justification=justification,
            results=[
                {
                    "id": r.solution.catalogue_id,
                    "rank": r.rank,
                    "tied": r.tied,
                    "total_cost": str(r.cost.total),
                    "price_score": r.price_score,
                    "scores": r.element_scores,
                    "weighted_total": str(r.total),
                }
                for r in ranked
            ],
        )
    return order


def direct_award(competition: Competition, *, user: User) -> Order:
    """Award the one solution that meets the needs directly, when its estimated value is within the
    direct-award limit, and make its order."""
    with transaction.atomic():
        locked = _locked(competition, user)
        if locked.route != Route.DIRECT_AWARD:
            raise ValidationError("More than one solution meets your needs: run a further competition.")
        if not (locked.selection_confirmed and locked.recipients_confirmed and locked.maximum_term_months):
            raise ValidationError("Choose the service recipients and the contract length first.")
        solution_costs = results.costs(locked)
        routes = results.routes(locked, solution_costs)
        if not routes.available(results.DIRECT_AWARD):
            raise ValidationError(routes.option(results.DIRECT_AWARD).reason)
        cost = solution_costs[0]
        _check_awardable(cost.solution)
        order = _order_for(locked, cost.solution, cost, user=user, route=Route.DIRECT_AWARD)
        _finish_award(locked, cost.solution, order, user=user, justification="")
        _audit(
            AuditAction.DIRECT_AWARD,
            locked,
            user=user,
            before={"status": CompetitionStatus.IN_PROGRESS},
            after={
                "status": locked.status,
                "winner": cost.solution.catalogue_id,
                "order": order.call_off_id,
                "estimated_value": str(routes.estimated_value),
            },
        )
    return order


def _finish_award(
    locked: Competition, solution: CompetitionSolution, order: Order, *, user: User, justification: str
) -> None:
    _move(locked, CompetitionStatus.AWARDED)
    locked.awarded_solution = solution
    locked.award_justification = justification
    locked.awarded_at = timezone.now()
    locked.awarded_by = user
    locked.order = order
    locked.save()


def cancel_competition(competition: Competition, *, user: User, reason: str) -> Competition:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": ["Say why the competition is cancelled"]})
    with transaction.atomic():
        locked = _locked(competition, user)
        _move(locked, CompetitionStatus.CANCELLED)
        locked.save(update_fields=["status", "updated_at"])
        _audit(
            AuditAction.COMPETITION_CANCELLED,
            locked,
            user=user,
            before={"status": CompetitionStatus.IN_PROGRESS},
            after={"status": locked.status},
            reason=reason[:JUSTIFICATION_MAX_LENGTH],
        )
    return locked
