from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "doorstep.messaging"
    label = "messaging"
    verbose_name = "Texts"

    def ready(self):
        from doorstep.core import timeline

        timeline.register_kind("text", "Texts")
