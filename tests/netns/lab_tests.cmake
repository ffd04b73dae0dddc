# Lab tests: each tests/netns/lab_*_test.sh builds the two-hosts lab (labs/lib.sh: evpnd on h1
# and h2, FRR on h3 and the ToR, VMs in network namespaces), checks it and tears it down. One
# ctest test per script, labelled netns and lab, run serially (root, real kernel, real FRR).
# Included from tests/netns/CMakeLists.txt.
file(GLOB lab_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/lab_*_test.sh)
foreach(t ${lab_tests})
  get_filename_component(name ${t} NAME_WE)
  add_test(NAME netns.${name} COMMAND bash ${t})
  set_tests_properties(netns.${name} PROPERTIES
    LABELS "netns;lab" TIMEOUT 180 RUN_SERIAL TRUE
    ENVIRONMENT "EVPND_BUILD_DIR=${CMAKE_BINARY_DIR}")
endforeach()
