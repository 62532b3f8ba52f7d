# make_debs.cmake — the package/cpack test: the .debs anew from this build (old ones removed first, so a version
# change cannot leave two of a package behind). -DBUILD=<build dir>
file(GLOB old ${BUILD}/packages/*.deb)
if(old)
  file(REMOVE ${old})
endif()
execute_process(COMMAND ${CMAKE_CPACK_COMMAND} --config ${BUILD}/CPackConfig.cmake WORKING_DIRECTORY ${BUILD}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cpack failed (${rc})")
endif()
file(GLOB made ${BUILD}/packages/*.deb)
list(LENGTH made n)
message(STATUS "packages: ${n} written to ${BUILD}/packages")
