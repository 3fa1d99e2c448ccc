/// The admin API described as OpenAPI 3.1, served at `/admin/api/v1/openapi.json`.
enum AdminOpenAPI {
    static let document = #"""
    {
      "openapi": "3.1.0",
      "info": {"title": "Roster admin API", "version": "1",
               "description": "Configurations (IdP connections), directories and the audit log. Authenticate with 'Authorization: Bearer <admin token>'. Errors use the SCIM error body {schemas, status, detail}."},
      "servers": [{"url": "/admin/api/v1"}],
      "components": {
        "securitySchemes": {"admin": {"type": "http", "scheme": "bearer"}},
        "schemas": {
          "Configuration": {"type": "object", "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "directoryId": {"type": "string"}, "directoryName": {"type": "string"},
            "authMethod": {"enum": ["bearer", "basic"]}, "basicUsername": {"type": "string"},
            "deleteMode": {"enum": ["delete", "disable"]}, "defaultGroups": {"type": "array", "items": {"type": "string"}},
            "applicationGroups": {"type": "array", "items": {"type": "string"}}, "enabled": {"type": "boolean"}, "version": {"type": "integer"},
            "undeclaredExtensions": {"enum": ["store", "reject"], "description": "What a request does with an extension URN no schema of the directory declares."},
            "scimBaseUrls": {"type": "object", "properties": {"v2": {"type": "string"}, "v1.1": {"type": "string"}}, "description": "The base URLs to give the IdP: SCIM 2.0, and SCIM 1.1 for IdPs that speak only 1.1."},
            "token": {"type": "string", "description": "Only in the answer that generated it."},
            "basicPassword": {"type": "string", "description": "Only in the answer that set it."}}},
          "NewConfiguration": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "directoryId": {"type": "string", "description": "An existing directory, by id or name."}, "newDirectoryName": {"type": "string"},
            "authMethod": {"enum": ["bearer", "basic"], "default": "bearer"}, "basicUsername": {"type": "string"},
            "basicPassword": {"type": "string", "minLength": 12, "description": "Generated when absent."},
            "deleteMode": {"enum": ["delete", "disable"], "default": "delete"},
            "defaultGroups": {"type": "array", "items": {"type": "string"}}, "applicationGroups": {"type": "array", "items": {"type": "string"}},
            "enabled": {"type": "boolean", "default": true}, "undeclaredExtensions": {"enum": ["store", "reject"], "default": "store"}}},
          "DeclaredSchema": {"type": "object", "properties": {"directoryId": {"type": "string"}, "resourceType": {"enum": ["User", "Group"]},
            "urn": {"type": "string"}, "schema": {"type": "object", "description": "The RFC 7643 §7 schema, as declared"},
            "created": {"type": "string"}, "updated": {"type": "string"}}},
          "Directory": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "created": {"type": "string"}}},
          "AuditRecord": {"type": "object", "properties": {
            "id": {"type": "integer"}, "time": {"type": "string", "format": "date-time"}, "kind": {"enum": ["scim", "admin"]},
            "configurationId": {"type": "string"}, "configurationName": {"type": "string"}, "directoryId": {"type": "string"},
            "source": {"type": "string"}, "method": {"type": "string"}, "path": {"type": "string"}, "query": {"type": "string"},
            "scimVersion": {"type": "string"}, "resourceType": {"type": "string"}, "resourceId": {"type": "string"},
            "subject": {"type": "string", "description": "userName or displayName involved"}, "status": {"type": "integer"},
            "scimType": {"type": "string"}, "durationMs": {"type": "number"}, "requestBytes": {"type": "integer"}, "responseBytes": {"type": "integer"},
            "requestBody": {"type": "string", "description": "Redacted, truncated at audit.maxBodyBytes"}, "responseBody": {"type": "string"},
            "origin": {"type": "integer"}, "seq": {"type": "integer"}}},
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
        "/configurations/{id}/compatibility": {"get": {"summary": "Which IdP talks to the configuration (User-Agent, shapes), the tolerances its requests needed and the undeclared extensions they carried, with counts",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "report"}, "404": {"description": "Error"}}}},
        "/directories/{directory}/schemas": {
          "parameters": [{"name": "directory", "in": "path", "required": true, "schema": {"type": "string"}, "description": "id or name"}],
          "get": {"summary": "The extension schemas declared for the directory", "responses": {"200": {"description": "{schemas: [DeclaredSchema]}"}}},
          "post": {"summary": "Declare an extension schema (RFC 7643 §7), or replace the one with the same id",
                   "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["resourceType", "schema"],
                     "properties": {"resourceType": {"enum": ["User", "Group"]}, "schema": {"type": "object"}}}}}},
                   "responses": {"201": {"description": "DeclaredSchema"}, "200": {"description": "DeclaredSchema (replaced)"}, "400": {"description": "Error"}}}
        },
        "/directories/{directory}/schemas/{urn}": {"delete": {"summary": "Remove a declaration; stored values stay, as undeclared data",
          "parameters": [{"name": "directory", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "urn", "in": "path", "required": true, "schema": {"type": "string"}},
                         {"name": "resourceType", "in": "query", "schema": {"enum": ["User", "Group"], "default": "User"}}],
          "responses": {"204": {"description": "Removed"}, "404": {"description": "Error"}}}},
        "/directories": {
          "get": {"summary": "List directories", "responses": {"200": {"description": "{directories: [Directory]}"}}},
          "post": {"summary": "Create a directory", "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}},
                   "responses": {"201": {"description": "Directory"}, "409": {"description": "Error"}}}
        },
        "/directories/{directory}/remove": {"post": {"summary": "Queue the removal of a directory: its configurations (their tokens stop within 2 s), every user, group and membership on every shard, then the directory. Cannot be undone; confirmed by the directory's name",
          "parameters": [{"name": "directory", "in": "path", "required": true, "schema": {"type": "string"}, "description": "id or name"}],
          "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["confirm"], "properties": {"confirm": {"type": "string", "description": "the directory's name, exactly"}}}}}},
          "responses": {"202": {"description": "Job (queued); Location: /admin/api/v1/jobs/{id}"}, "400": {"description": "Error: no such directory, or the confirmation is not its name"},
                        "409": {"description": "Error: already being removed"}}}},
        "/directories/{directory}/import": {"post": {"summary": "Import existing accounts from a CSV or NDJSON file, streamed (up to 8 GiB): existing userNames are matched, never changed; a job of the sync worker (docs/directory-utilities.md)",
          "parameters": [{"name": "directory", "in": "path", "required": true, "schema": {"type": "string"}, "description": "id or name"},
                         {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["csv", "ndjson"]}, "description": "else from the Content-Type"}],
          "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}}},
          "responses": {"202": {"description": "Job (kind import), Location /admin/api/v1/jobs/{id}"}, "400": {"description": "Error: unknown directory, format, or an empty file"}, "409": {"description": "Error: the directory is being removed"}}}},
        "/directories/{directory}/dormant": {"get": {"summary": "Dormant accounts: users whose last sign-in is before a time, and (unless never=false) those never seen, oldest first (at most 100,000)",
          "parameters": [{"name": "directory", "in": "path", "required": true, "schema": {"type": "string"}, "description": "id or name"},
                         {"name": "before", "in": "query", "required": true, "schema": {"type": "string", "format": "date-time"}},
                         {"name": "never", "in": "query", "schema": {"type": "boolean", "default": true}},
                         {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}}],
          "responses": {"200": {"description": "{before, users: [{userName, id, lastLogin, active}]} or CSV userName,id,lastLogin,active"}, "400": {"description": "Error: before is not an RFC 3339 time"}}}},
        "/directories/{directory}/logins": {"post": {"summary": "Report sign-ins: the latest time of each user wins (idempotent, out-of-order safe); shown as meta.lastLogin when the directory's setting is on",
          "parameters": [{"name": "directory", "in": "path", "required": true, "schema": {"type": "string"}, "description": "id or name"}],
          "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"logins": {"type": "array", "maxItems": 10000,
            "items": {"type": "object", "required": ["userName", "at"], "properties": {"userName": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}}}}}}}},
          "responses": {"200": {"description": "{updated, unchanged, unknown: [userName]}"}, "400": {"description": "Error naming the bad entry"}}}},
        "/directories/{directory}": {"patch": {"summary": "A directory's settings: lastLogin (show the last sign-in on user reads; off by default)",
          "parameters": [{"name": "directory", "in": "path", "required": true, "schema": {"type": "string"}, "description": "id or name"}],
          "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"settings": {"type": "object", "properties": {"lastLogin": {"type": "boolean"}}}}}}}},
          "responses": {"200": {"description": "Directory"}, "400": {"description": "Error"}}}},
        "/jobs": {"get": {"summary": "The sync worker's jobs, newest first",
          "parameters": [{"name": "directory", "in": "query", "schema": {"type": "string"}, "description": "id or name"}],
          "responses": {"200": {"description": "{jobs: [Job]}: id, kind, directoryId, directoryName, state (queued, running, done, failed, cancelled), created, started, finished, step, statistics {processed, created, mapped, unchanged, failed, failures, remaining, total, ratePerSecond, etaSeconds}, cancelRequested, error"}}}},
        "/jobs/{id}": {"get": {"summary": "One job, with its progress", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
          "responses": {"200": {"description": "Job"}, "404": {"description": "Error"}}}},
        "/jobs/{id}/cancel": {"post": {"summary": "Cancel a job: a queued one at once, a running one at its next step",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
          "responses": {"200": {"description": "Job"}, "404": {"description": "Error"}, "409": {"description": "Error: the job has ended"}}}},
        "/reshard": {"post": {"summary": "Online reshard: move each directory whose shard changes under the new counts, one at a time, while the system runs (its writes wait some tens of milliseconds; other directories are untouched); a job of the sync worker",
          "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"usersShards": {"type": "integer", "minimum": 1, "maximum": 16}, "groupsShards": {"type": "integer", "minimum": 1, "maximum": 16}}}}}},
          "responses": {"202": {"description": "Job (kind reshard), Location /admin/api/v1/jobs/{id}"}, "400": {"description": "Error: a count out of range, or more shards than the sync worker has endpoints"}, "409": {"description": "Error: a reshard is already under way"}}}},
        "/shard-map": {"get": {"summary": "Where directories live: per kind, the base count (fnv1a mod base; 0: mod the endpoint count) and the directories an unfinished reshard has moved",
          "responses": {"200": {"description": "{users: {base, moved}, groups: {base, moved}}"}}}},
        "/status": {"get": {"summary": "Every process: this ingress (pid, uptime, log level, audit queue, the SCIM answers of the last five minutes) and each shard of each worker (pid, uptime, store and WAL size, reads queued, outbox), or why it does not answer",
          "responses": {"200": {"description": "{ingress, workers: [...]}"}}}},
        "/log-level": {
          "get": {"summary": "The runtime log levels set (not persisted)", "responses": {"200": {"description": "{levels: [...]}"}}},
          "patch": {"summary": "Set a runtime log level for one service or all, optionally for a while; reaches every process within 2 s",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"level": {"type": "string", "description": "trace … critical, or reset"}, "service": {"type": "string", "description": "all (default), ingress, users, groups, sync, audit"}, "for": {"type": "string", "description": "30m, 2h, or seconds"}}}}}},
                    "responses": {"200": {"description": "levels"}, "400": {"description": "Error"}}}
        },
        "/backups": {"post": {"summary": "An online, consistent backup of every store of every shard, with a manifest (store, shard, size, SHA-256)",
          "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["directory"], "properties": {"directory": {"type": "string"}}}}}},
          "responses": {"201": {"description": "manifest"}, "400": {"description": "Error"}}}},
        "/audit": {
          "get": {"summary": "Whether auditing is on, the store's size and retention, this ingress's queue", "responses": {"200": {"description": "status"}}},
          "patch": {"summary": "Turn auditing on or off (every ingress within 2 s) and/or change retention (0: no limit)",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"enabled": {"type": "boolean"},
                      "retention": {"type": "object", "properties": {"maxAgeDays": {"type": "integer", "minimum": 0}, "maxRecords": {"type": "integer", "minimum": 0}}}}}}}},
                    "responses": {"200": {"description": "status"}}}
        },
        "/audit/records": {
          "parameters": [
            {"name": "from", "in": "query", "schema": {"type": "string"}, "description": "RFC 3339 time, date or ms since 1970 (inclusive)"},
            {"name": "to", "in": "query", "schema": {"type": "string"}, "description": "exclusive"},
            {"name": "configuration", "in": "query", "schema": {"type": "string"}, "description": "id or name"},
            {"name": "kind", "in": "query", "schema": {"enum": ["scim", "admin"]}},
            {"name": "method", "in": "query", "schema": {"type": "string"}},
            {"name": "status", "in": "query", "schema": {"type": "string"}, "description": "404 or 4xx"},
            {"name": "resourceType", "in": "query", "schema": {"type": "string"}},
            {"name": "resourceId", "in": "query", "schema": {"type": "string"}},
            {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "text in userName/displayName or path"},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
            {"name": "after", "in": "query", "schema": {"type": "string"}, "description": "the previous page's next"}],
          "get": {"summary": "Records, newest first", "responses": {"200": {"description": "{records: [AuditRecord], next}"}, "400": {"description": "Error"}}},
          "delete": {"summary": "Clear the whole history", "responses": {"200": {"description": "{removed}"}}}
        },
        "/audit/records.csv": {"get": {"summary": "RFC 4180 CSV of at most 10,000 newest matching records (same filters; limit up to 10000)",
          "responses": {"200": {"description": "text/csv"}, "400": {"description": "Error"}}}}
      }
    }
    """#
}
