from django.urls import path

from simulator import views

app_name = "simulator"
urlpatterns = [
    path("", views.page, name="page"),
    path("api/metrics", views.api_metrics, name="api_metrics"),
    path("api/shell", views.api_shell, name="api_shell"),
]
