# Runs one libFuzzer binary for a bounded time on a fresh copy of its seed corpus (ctest's
# `fuzz` tests). Inputs: FUZZER, SEEDS, REGRESSIONS, WORK_DIR, SECONDS. Fails on any crash,
# leak, timeout or out-of-memory; the failing input is left in WORK_DIR/artifacts/.
foreach(var FUZZER SEEDS WORK_DIR SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzzer.cmake: ${var} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR}/corpus ${WORK_DIR}/artifacts)
file(GLOB seeds ${SEEDS}/*)
if(seeds)
  file(COPY ${seeds} DESTINATION ${WORK_DIR}/corpus)
endif()
# Known crashers are read as extra seeds (libFuzzer writes only to its first directory).
set(extra_dirs)
if(DEFINED REGRESSIONS AND IS_DIRECTORY ${REGRESSIONS})
  file(COPY ${REGRESSIONS}/ DESTINATION ${WORK_DIR}/regressions)
  list(APPEND extra_dirs ${WORK_DIR}/regressions)
endif()

execute_process(
  COMMAND ${FUZZER} ${WORK_DIR}/corpus ${extra_dirs}
          -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10
          -artifact_prefix=${WORK_DIR}/artifacts/ -print_final_stats=1
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(GLOB artifacts ${WORK_DIR}/artifacts/*)
  message(FATAL_ERROR "${FUZZER} failed (exit ${rc}); failing inputs: ${artifacts}")
endif()
