"""Tenant-less routes of accounts: `/api/v1/auth/...` and `/api/v1/tenants/`."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import views

token_router = SimpleRouter(trailing_slash=True)
token_router.register("auth/tokens", views.PersonalTokenViewSet, basename="personal-token")

urlpatterns = [
    path("auth/csrf", views.CsrfView.as_view(), name="auth-csrf"),
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("tenants/", views.TenantListCreateView.as_view(), name="tenant-list"),
    *token_router.urls,
]
