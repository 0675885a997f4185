from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import EmailAuthenticationForm, NewPasswordForm, PasswordResetRequestForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Passes the request to the form, so the reset is audited with the address it came from."""

    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetRequestForm,
            template_name="accounts/password_reset_form.html",
            subject_template_name="accounts/email/password_reset_subject.txt",
            email_template_name="accounts/email/password_reset_email.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("reset/<uidb64>/<token>/", PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("switch/", views.switch_organisation, name="switch"),
    path("organisation/", views.organisation_home, name="organisation"),
    path("organisation/<int:pk>/members/", views.members, name="members"),
    path("organisation/<int:pk>/members/invite/", views.invite, name="invite"),
    path("organisation/<int:pk>/members/<int:user_id>/remove/", views.remove_member, name="remove_member"),
    path(
        "organisation/<int:pk>/invitations/<int:invitation_id>/cancel/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
