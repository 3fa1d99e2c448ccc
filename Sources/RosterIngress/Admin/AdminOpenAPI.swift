/// The admin API described as OpenAPI 3.1, served at `/admin/api/v1/openapi.json`.
enum AdminOpenAPI {
    static let document = #"""
    {
      "openapi": "3.1.0",
      "info": {"title": "Roster admin API", "version": "1",
               "description": "Configurations (IdP connections) and directories. Authenticate with 'Authorization: Bearer <admin token>'. Errors use the SCIM error body {schemas, status, detail}."},
      "servers": [{"url": "/admin/api/v1"}],
      "components": {
        "securitySchemes": {"admin": {"type": "http", "scheme": "bearer"}},
        "schemas": {
          "Configuration": {"type": "object", "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "directoryId": {"type": "string"},
            "authMethod": {"enum": ["bearer", "basic"]}, "basicUsername": {"type": "string"},
            "deleteMode": {"enum": ["delete", "disable"]}, "defaultGroups": {"type": "array", "items": {"type": "string"}},
            "applicationGroups": {"type": "array", "items": {"type": "string"}}, "enabled": {"type": "boolean"}, "version": {"type": "integer"},
            "scimBaseUrls": {"type": "object", "properties": {"v2": {"type": "string"}, "v1.1": {"type": "string"}}},
            "token": {"type": "string", "description": "Only in the answer that generated it."},
            "basicPassword": {"type": "string", "description": "Only in the answer that set it."}}},
          "NewConfiguration": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "directoryId": {"type": "string"}, "newDirectoryName": {"type": "string"},
            "authMethod": {"enum": ["bearer", "basic"], "default": "bearer"}, "basicUsername": {"type": "string"},
            "basicPassword": {"type": "string", "minLength": 12, "description": "Generated when absent."},
            "deleteMode": {"enum": ["delete", "disable"], "default": "delete"},
            "defaultGroups": {"type": "array", "items": {"type": "string"}}, "applicationGroups": {"type": "array", "items": {"type": "string"}},
            "enabled": {"type": "boolean", "default": true}}},
          "Directory": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "created": {"type": "string"}}},
          "Error": {"type": "object", "properties": {"schemas": {"type": "array"}, "status": {"type": "string"}, "detail": {"type": "string"}}}
        }
      },
      "security": [{"admin": []}],
      "paths": {
        "/configurations": {
          "get": {"summary": "List configurations", "responses": {"200": {"description": "{configurations: [Configuration]}"}}},
          "post": {"summary": "Create a configuration; a bearer token (or a Basic password) is returned once",
                   "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewConfiguration"}}}},
                   "responses": {"201": {"description": "Configuration"}, "400": {"description": "Error"}, "409": {"description": "Error"}}}
        },
        "/configurations/{id}": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "id or name"}],
          "get": {"summary": "Show a configuration", "responses": {"200": {"description": "Configuration"}, "404": {"description": "Error"}}},
          "patch": {"summary": "Update name, directoryId, deleteMode, defaultGroups, applicationGroups or enabled (If-Match: version)",
                    "responses": {"200": {"description": "Configuration"}, "412": {"description": "Error"}}},
          "delete": {"summary": "Delete a configuration", "responses": {"204": {"description": "Deleted"}}}
        },
        "/configurations/{id}/rotate": {"post": {"summary": "New token, or new Basic password (given as basicPassword or generated); shown once",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "Configuration"}}}},
        "/configurations/{id}/disable": {"post": {"summary": "Disable: its credential stops working within 2 s",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "Configuration"}}}},
        "/directories": {
          "get": {"summary": "List directories", "responses": {"200": {"description": "{directories: [Directory]}"}}},
          "post": {"summary": "Create a directory", "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}},
                   "responses": {"201": {"description": "Directory"}, "409": {"description": "Error"}}}
        }
      }
    }
    """#
}
