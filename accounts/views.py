"""Pages for organisation members, invitations and switching organisation.

Thin: they find what the user may see (404 for an organisation they are not in, 403 for one they are in
but do not administer), hand changes to `accounts.services`, and show the outcome.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .acting import act_for, organisations_for
from .forms import InviteMemberForm, NewAccountForm, SwitchOrganisationForm
from .models import Invitation, Membership, Organisation, Role, User


def _administered(request: HttpRequest, pk: int) -> Organisation:
    """The organisation `pk` if the user administers it: 404 if they are not in it (so its existence is
    not confirmed to outsiders), 403 if they are in it without the admin role."""
    organisation = get_object_or_404(Organisation.objects.for_user(request.user), pk=pk)
    if not services.is_organisation_admin(request.user, organisation):
        raise PermissionDenied("Only an admin of this organisation can manage its members.")
    return organisation


@login_required
def organisation_home(request: HttpRequest) -> HttpResponse:
    """The members page of the organisation the user is acting for."""
    # request.organisation is a lazy object: test its truth, never `is None`.
    if not request.organisation:
        raise PermissionDenied("You are not a member of any organisation.")
    return redirect("accounts:members", pk=request.organisation.pk)


@login_required
def members(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _administered(request, pk)
    people = (
        User.objects.filter(memberships__organisation=organisation)
        .distinct()
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(organisation=organisation),
                to_attr="roles_here",
            )
        )
        .order_by("email")
    )
    pending = Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        cancelled_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("email")
    return render(
        request,
        "accounts/members.html",
        {"organisation": organisation, "people": people, "invitations": pending},
    )


@login_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _administered(request, pk)
    form = InviteMemberForm(request.POST if request.method == "POST" else None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(
                organisation,
                form.cleaned_data["email"],
                form.cleaned_data["role"],
                user=request.user,
                ip_address=services.client_ip(request),
            )
        except services.InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link expires at "
                f"{services.format_time(invitation.expires_at)}.",
            )
            return redirect("accounts:members", pk=organisation.pk)
    return render(request, "accounts/invite.html", {"organisation": organisation, "form": form})


@login_required
def remove_member(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    organisation = _administered(request, pk)
    member = get_object_or_404(
        User.objects.filter(memberships__organisation=organisation).distinct(), pk=user_id
    )
    error = ""
    if request.method == "POST":
        try:
            services.remove_member(
                organisation, member, user=request.user, ip_address=services.client_ip(request)
            )
        except services.MembershipError as refusal:
            error = str(refusal)
        else:
            messages.success(request, f"{member.email} has been removed from {organisation.name}.")
            if member == request.user:
                return redirect("/")
            return redirect("accounts:members", pk=organisation.pk)
    roles = Membership.objects.filter(organisation=organisation, user=member)
    return render(
        request,
        "accounts/remove_member.html",
        {"organisation": organisation, "member": member, "roles": roles, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def cancel_invitation(request: HttpRequest, pk: int, invitation_id: int) -> HttpResponse:
    organisation = _administered(request, pk)
    invitation = get_object_or_404(Invitation, organisation=organisation, pk=invitation_id)
    services.cancel_invitation(invitation, user=request.user)
    messages.success(request, f"The invitation to {invitation.email} has been cancelled.")
    return redirect("accounts:members", pk=organisation.pk)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. Anyone holding it may open it (the link is the proof of the address); what they
    can do depends on whether an account exists for the invited address and who is signed in."""
    invitation = services.find_invitation(token)
    if invitation is None or not invitation.is_usable():
        return render(request, "accounts/invitation_invalid.html", status=404)
    context: dict = {"invitation": invitation, "organisation": invitation.organisation}
    ip_address = services.client_ip(request)

    if request.user.is_authenticated:
        if services.normalise_email(request.user.email) != invitation.email:
            return render(request, "accounts/invitation_wrong_account.html", context, status=403)
        if request.method == "POST":
            try:
                services.accept_invitation(invitation, user=request.user, ip_address=ip_address)
            except services.InvitationError:
                return render(request, "accounts/invitation_invalid.html", status=404)
            act_for(request, invitation.organisation)
            messages.success(request, f"You have joined {invitation.organisation.name}.")
            return redirect("/")
        return render(request, "accounts/accept_invitation.html", context)

    if User.objects.filter(email__iexact=invitation.email).exists():
        context["login_url"] = f"{reverse('accounts:login')}?next={request.path}"
        return render(request, "accounts/accept_invitation_log_in.html", context)

    form = NewAccountForm(request.POST if request.method == "POST" else None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.accept_invitation_with_new_account(
                invitation,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                ip_address=ip_address,
            )
        except services.InvitationError as error:
            form.add_error(None, str(error))
        else:
            login(request, member, backend="accounts.backends.LockoutModelBackend")
            act_for(request, invitation.organisation)
            messages.success(
                request, f"Your account is ready and you have joined {invitation.organisation.name}."
            )
            return redirect("/")
    context["form"] = form
    return render(
        request, "accounts/accept_invitation_new_account.html", context, status=400 if form.errors else 200
    )


@login_required
def switch_organisation(request: HttpRequest) -> HttpResponse:
    """GET: the user's organisations to choose from; POST: act for the one chosen (one of theirs only)."""
    organisations = organisations_for(request.user)
    context = {
        "organisations": organisations,
        "administered": set(
            Membership.objects.filter(user=request.user, role=Role.ORGANISATION_ADMIN).values_list(
                "organisation_id", flat=True
            )
        ),
    }
    form = SwitchOrganisationForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        initial={"organisation": request.organisation.pk if request.organisation else None},
    )
    if request.method == "POST":
        if not form.is_valid():
            # The id of an organisation that is not theirs is refused outright; no choice, or one that is
            # not an id at all, is a form error.
            if str(form.data.get("organisation", "")).isdigit():
                raise PermissionDenied("You are not a member of that organisation.")
            return render(request, "accounts/switch.html", {**context, "form": form}, status=400)
        chosen = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
        act_for(request, chosen)
        messages.success(request, f"You are now acting for {chosen.name}.")
        next_url = request.POST.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(next_url)
        return redirect("accounts:switch")
    return render(request, "accounts/switch.html", {**context, "form": form})
