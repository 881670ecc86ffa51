"""Page-number pagination for the API's lists (DEFAULT_PAGINATION_CLASS), with the page parameter
validated.

DRF's own reads `?page=` (empty) as page 1, takes `?page=last`, and answers any other
non-number with 404 "Invalid page.". Here a page that is not a whole number from 1 up is a 400
naming the parameter, as for any other bad input, and the OpenAPI schema says `minimum: 1`; a
page past the last one is still a 404.
"""

from __future__ import annotations

from rest_framework import pagination, serializers
from rest_framework.exceptions import ValidationError


class PageNumbers(pagination.PageNumberPagination):
    def get_page_number(self, request, paginator) -> int:
        value = request.query_params.get(self.page_query_param)
        if value is None:
            return 1
        try:
            return serializers.IntegerField(min_value=1).run_validation(value)
        except ValidationError as exc:
            raise ValidationError({self.page_query_param: exc.detail}) from exc

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters
