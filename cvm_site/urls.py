from django.contrib import admin
from django.urls import include, path

from cvm_site import views

urlpatterns = [
    path("", include("lessons.urls")),
    path("simulator/", include("simulator.urls")),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon),
]
