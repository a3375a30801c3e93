"""Query-string filters, search and ordering of the project and task lists."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from resource_service.lib.schema import NO_NUL
from resource_service.projects.models import Project, Task


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend. A request that names none of the filters, the usual list request, skips
    building and validating the filter form, a tenth of its time."""

    def filter_queryset(self, request, queryset, view):
        if request.query_params.keys().isdisjoint(view.filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        """The filters as the API reads them: a choice one of its values, a date an ISO date; empty, no filter."""
        parameters = []
        for name, field in view.filterset_class.base_filters.items():
            schema: dict = {"type": "string", "allow_empty_value": True}
            if isinstance(field, django_filters.ChoiceFilter):
                schema["enum"] = [value for value, _label in field.extra["choices"]]
            elif isinstance(field, django_filters.DateFilter):
                schema["format"] = "date"
            description = str(field.label or name)
            parameters.append(
                {"name": name, "required": False, "in": "query", "description": description, "schema": schema}
            )
        return parameters


class SearchFilter(filters.SearchFilter):
    """DRF's search with literal terms: the value is split at white space only, and each term, quotes and commas
    included, must occur in one of the fields (DRF's own split reads quotes and drops them, so that a search for
    `'` found every row). A NUL character, which PostgreSQL cannot compare, is a 400."""

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["pattern"] = NO_NUL
        return parameters

    def get_search_terms(self, request):
        value = request.query_params.get(self.search_param, "")
        if "\x00" in value:
            raise ValidationError({self.search_param: ["Null characters are not allowed."]})
        return value.split()


class OrderingFilter(filters.OrderingFilter):
    """DRF's ordering, with public names mapped to the columns that implement them (the view's ordering_map:
    `priority` orders by the stored rank). The view's default ordering (unique: it ends with the id) follows the
    requested one to break its ties, so that pages of an ordering by a repeated value neither overlap nor skip
    rows."""

    def get_ordering(self, request, queryset, view):
        requested = super().get_ordering(request, queryset, view) or []
        mapping = getattr(view, "ordering_map", {})
        ordering, seen = [], set()
        for term in [*requested, *view.ordering]:
            name = term.lstrip("-")
            if name not in seen:
                seen.add(name)
                ordering.append(("-" if term.startswith("-") else "") + mapping.get(name, name))
        return ordering


class ProjectFilter(django_filters.FilterSet):
    # `true` or `false`, anything else a 400 (django-filter's BooleanFilter ignores a value it cannot read).
    archived = django_filters.ChoiceFilter(choices=[("true", "true"), ("false", "false")], method="filter_archived")

    class Meta:
        model = Project
        fields = ["archived"]

    def filter_archived(self, queryset, name, value):
        return queryset.filter(archived=value == "true")


class TaskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Task.Status.choices)
    priority = django_filters.ChoiceFilter(choices=Task.Priority.choices)
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label="Due on or before (ISO date)"
    )
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label="Due on or after (ISO date)")

    class Meta:
        model = Task
        fields = ["status", "priority", "due_before", "due_after"]
