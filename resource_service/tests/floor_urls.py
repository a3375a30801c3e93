"""`make profile`'s floor: the two lists as plain Django views doing the same work as the service's, without DRF:
the token verified (every time, as a view without a cache does), the revocation checked, the production
querysets with the page's total as production reads it (the task page in the priority order make profile asks
for), the service's serializers, JsonResponse. The service's own URLs stay as they are; these are added under
/floor/, at the same paths."""

from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from resource_service.lib.pagination import TOTAL
from resource_service.projects import selectors
from resource_service.projects.serializers import ProjectSerializer, TaskSerializer
from resource_service.tokens import revocation
from resource_service.tokens.verification import ACCESS, verified_claims


def caller(request) -> str | None:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    claims = verified_claims(token, token_type=ACCESS)
    if revocation.is_revoked(user_id=claims["sub"], session_id=claims["sid"], issued_at=claims["iat"]):
        return None
    return claims["sub"]


def page(queryset, serializer, total, limit: int) -> dict:
    rows = list(queryset.annotate(pagination_total=total)[:limit])
    return {
        "count": rows[0].pagination_total if rows else 0,
        "next": None,
        "previous": None,
        "results": serializer(rows, many=True).data,
    }


def projects(request):
    owner_id = caller(request)
    if owner_id is None:
        return HttpResponse(status=401)
    queryset = selectors.project_list(owner_id=owner_id).order_by("-created_at", "id")
    return JsonResponse(page(queryset, ProjectSerializer, TOTAL, 20))


def tasks(request, project_id):
    owner_id = caller(request)
    if owner_id is None:
        return HttpResponse(status=401)
    ordering = ("priority_rank", "-created_at", "id")
    queryset = selectors.task_list(owner_id=owner_id, project_id=project_id).order_by(*ordering)
    total = selectors.task_stored_total(status=None)
    return JsonResponse(page(queryset, TaskSerializer, total, int(request.GET.get("limit", 20))))


urlpatterns = [
    path("floor/projects/", projects),
    path("floor/projects/<uuid:project_id>/tasks/", tasks),
    path("", include("resource_service.urls")),
]
