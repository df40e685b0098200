"""`OPTIONS` answers: the view's name, description and media types, nothing more.

DRF's default metadata describes the writable fields by building the serializer and, for PUT,
by loading the object (`get_object`), which views without a queryset (the health model, the
recompute action) cannot do. The OpenAPI schema is the description of every field, so OPTIONS
stays small, costs no query and works for every view.
"""

from rest_framework.metadata import BaseMetadata


class MinimalMetadata(BaseMetadata):
    def determine_metadata(self, request, view) -> dict:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": "/api/schema/",
        }
