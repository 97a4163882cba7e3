from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "doorstep.evidence"
    label = "evidence"
    verbose_name = "Document evidence"
