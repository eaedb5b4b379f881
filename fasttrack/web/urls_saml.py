"""NemLog-in's addresses. The names are djangosaml2's, which it reverses itself."""

from django.urls import path

from fasttrack.web import saml_views

urlpatterns = [
    path("login/", saml_views.LoginView.as_view(), name="saml2_login"),
    path("acs/", saml_views.AssertionConsumerServiceView.as_view(), name="saml2_acs"),
    path("logout/", saml_views.LogoutInitView.as_view(), name="saml2_logout"),
    path("ls/", saml_views.LogoutView.as_view(), name="saml2_ls"),
    path("ls/post/", saml_views.LogoutView.as_view(), name="saml2_ls_post"),
    path("metadata/", saml_views.MetadataView.as_view(), name="saml2_metadata"),
]
