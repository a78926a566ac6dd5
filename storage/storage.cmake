# hearth_storage: Hearth's SQLite store (libsqlite3 directly: FTS5, WAL and pragmas under our control).
# Plain C++ API; Qt Core only for AsyncStore (worker thread + signals) and JSON export/import.
# Never includes or links inference code; it shares only util/ (Result, Error) with it.
find_package(SQLite3 REQUIRED)

add_library(hearth_storage STATIC
  asyncstore.cpp
  conversations.cpp
  database.cpp
  documents.cpp
  export.cpp
  messages.cpp
  migrations.cpp
  search.cpp
  settings.cpp
  # headers listed so AUTOMOC sees AsyncStore's Q_OBJECT
  asyncstore.h
)
set_target_properties(hearth_storage PROPERTIES AUTOMOC ON)
target_include_directories(hearth_storage PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(hearth_storage PUBLIC hearth_util SQLite::SQLite3 Qt6::Core Threads::Threads)

# The benchmark program (not a test): 10,000 conversations × 50 messages.
add_executable(hearth-storage-bench bench/storage_bench.cpp)
target_link_libraries(hearth-storage-bench PRIVATE hearth_storage)
