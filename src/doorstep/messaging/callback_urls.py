"""Provider callbacks: delivery receipts and received texts. No session, no CSRF: each view
checks the provider's own credential (Notify's bearer token, Twilio's signature) first."""

from django.urls import path

from .views import callbacks_notify, callbacks_twilio

app_name = "callbacks"

urlpatterns: list = [
    # GOV.UK Notify (bearer token: NOTIFY_CALLBACK_TOKEN)
    path("notify/delivery-receipts", callbacks_notify.delivery_receipt, name="notify_delivery"),
    path("notify/received-texts", callbacks_notify.received_text, name="notify_received"),
    # Twilio (X-Twilio-Signature, keyed with TWILIO_AUTH_TOKEN)
    path("twilio/status", callbacks_twilio.status, name="twilio_status"),
    path("twilio/inbound", callbacks_twilio.inbound, name="twilio_inbound"),
]
