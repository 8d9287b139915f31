from django.contrib import admin
from django.urls import include, path

from cvm_site import accounts, views

urlpatterns = [
    path("", include("lessons.urls")),
    path("simulator/", include("simulator.urls")),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/me/", accounts.account, name="account"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon),
]
