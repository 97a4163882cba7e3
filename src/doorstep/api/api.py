"""The REST API for other systems, served at /api/v1/ with its OpenAPI schema."""

from ninja import NinjaAPI

from . import errors
from .auth import BearerToken
from .routers.evidence import router as evidence_router
from .routers.housing import router as housing_router
from .routers.inclusion import router as inclusion_router
from .routers.messaging import router as messaging_router
from .routers.plans import router as plans_router
from .routers.reporting import router as reporting_router
from .routers.residents import router as residents_router
from .routers.vulnerability import router as vulnerability_router

api = NinjaAPI(
    title="Doorstep API",
    version="1",
    description=(
        "For systems that work with Doorstep. Every request needs a token issued by an "
        "Administrator, sent as `Authorization: Bearer <token>`. See docs/api.md."
    ),
    auth=BearerToken(),
    urls_namespace="api",
)
errors.install(api)
api.add_router("/residents", residents_router)
api.add_router("/residents", vulnerability_router)
api.add_router("/housing", housing_router)
api.add_router("", messaging_router)
# Each of these routers declares its own paths from the API root.
api.add_router("", evidence_router)
api.add_router("", plans_router)
api.add_router("", reporting_router)
api.add_router("", inclusion_router)
