"""The Redis cache's serializer: JSON, never pickle.

Django's own unpickles whatever it reads, so anyone able to write a key this service reads (another service on
the same Redis, say) could have code run here, next to the signing key. Integers stay plain numbers, as with
Django's serializer, so that the cache's incr() works on them.
"""

import json


class JSONSerializer:
    def dumps(self, obj) -> bytes | int:
        if type(obj) is int:
            return obj
        return json.dumps(obj, separators=(",", ":")).encode()

    def loads(self, data: bytes):
        try:
            return int(data)
        except ValueError:
            return json.loads(data)
