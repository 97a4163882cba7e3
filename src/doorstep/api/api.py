"""The REST API for other systems, served at /api/v1/ with its OpenAPI schema.

Each router is mounted with the scope a token needs to use it (see `access.py`); the routers
themselves hold no permission checks.
"""

from ninja import NinjaAPI, Router

from . import errors
from .access import BearerToken, scope_needed
from .links import add_links
from .models import Scope
from .routers.evidence import router as evidence_router
from .routers.housing import router as housing_router
from .routers.inclusion import router as inclusion_router
from .routers.messaging import router as messaging_router
from .routers.plans import router as plans_router
from .routers.reporting import router as reporting_router
from .routers.residents import router as residents_router
from .routers.vulnerability import router as vulnerability_router
from .schemas import Message, ScopeMissing, ValidationErrors


class DoorstepAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        prefix = path_prefix if path_prefix is not None else self.get_root_path(path_params or {})
        add_links(schema, prefix=prefix.rstrip("/"))
        return schema


api = DoorstepAPI(
    title="Doorstep API",
    version="1",
    description=(
        "For systems that work with Doorstep. Every request needs a token issued by an "
        "Administrator, sent as `Authorization: Bearer <token>`. Each token holds scopes, and "
        "each operation names the scope it needs: a token without it gets 403. See docs/api.md."
    ),
    urls_namespace="api",
)
errors.install(api)


def _declare(operation, status: int, schema) -> None:
    if status not in operation.response_models:
        operation.response_models[status] = operation._create_response_model(schema)


def document_responses(router: Router, *, scope: str, write_scope: str) -> None:
    """Say in the OpenAPI schema which scope each operation needs, and every answer the API
    gives besides the operation's own: 401 and 403 from the token, 422 when a parameter or
    the body breaks the schema, 400 when the body is not JSON at all."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            needed = sorted(
                {scope_needed(m, read=scope, write=write_scope) for m in operation.methods}
            )
            note = "Needs the " + " or ".join(f"`{name}`" for name in needed) + " scope."
            operation.description = f"{operation.description or ''}\n\n{note}".strip()
            _declare(operation, 401, Message)
            _declare(operation, 403, ScopeMissing)
            sources = {model.__ninja_param_source__ for model in operation.models}
            if sources:
                _declare(operation, 422, ValidationErrors)
            if "body" in sources:
                _declare(operation, 400, Message)


def mount(prefix: str, router: Router, scope: str, *, write_scope: str | None = None) -> None:
    write_scope = write_scope or scope
    document_responses(router, scope=scope, write_scope=write_scope)
    api.add_router(prefix, router, auth=BearerToken(scope, write_scope=write_scope))


mount("/residents", residents_router, Scope.RESIDENTS_READ, write_scope=Scope.RESIDENTS_WRITE)
mount("/residents", vulnerability_router, Scope.VULNERABILITY)
mount("/housing", housing_router, Scope.HOUSING)
mount("", messaging_router, Scope.MESSAGING)
# Each of these routers declares its own paths from the API root.
mount("", evidence_router, Scope.EVIDENCE)
mount("", plans_router, Scope.PLANS)
mount("", reporting_router, Scope.REPORTING)
mount("", inclusion_router, Scope.INCLUSION)
