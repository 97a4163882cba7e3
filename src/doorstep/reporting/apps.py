from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "doorstep.reporting"
    label = "reporting"
    verbose_name = "Management information"

    def ready(self) -> None:
        from doorstep.messaging import services as messaging

        from . import catalogue, survey

        catalogue.register_all()
        # "Reply 1 to 5" answers to the satisfaction question arrive as ordinary texts.
        messaging.register_reply_handler(survey.handle_text_reply)
