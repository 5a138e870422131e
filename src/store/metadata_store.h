#pragma once
// MetadataStore is the narrow interface through which the rest of strongroom
// reaches its metadata database. Handlers depend on this interface only, so
// the SQLite implementation (sqlite_store.h) can later be joined by a
// PostgreSQL one without touching them. Later issues add repository
// interfaces here (accounts, ...) that every backend implements.
//
// Thread safety: implementations are safe for concurrent use from many threads.

#include "common/error.h"

namespace sr::store {

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // Ping reports readiness: it succeeds when a trivial query on a pooled
  // connection succeeds, and returns kUnavailable or kDataLoss otherwise.
  virtual Status Ping() = 0;

  // SchemaVersion returns the highest applied migration version.
  virtual Result<int> SchemaVersion() = 0;
};

}  // namespace sr::store
