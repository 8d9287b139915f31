from django.apps import AppConfig


class CvmSiteConfig(AppConfig):
    name = "cvm_site"
    verbose_name = "Accounts and classes"

    def ready(self) -> None:
        from cvm_site import signals

        signals.connect()
