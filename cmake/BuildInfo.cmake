# Generates build_info.h at every build: git commit (with a dirty flag), compiler flags, build type.
set(RZ_BUILD_INFO_DIR ${CMAKE_BINARY_DIR}/generated)
string(TOUPPER "${CMAKE_BUILD_TYPE}" RZ_BUILD_TYPE_UC)
set(RZ_BUILD_FLAGS "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${RZ_BUILD_TYPE_UC}}")
get_directory_property(RZ_COMPILE_OPTS COMPILE_OPTIONS)
string(REPLACE ";" " " RZ_COMPILE_OPTS "${RZ_COMPILE_OPTS}")
add_custom_target(rz_build_info ALL
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${RZ_BUILD_INFO_DIR}/build_info.h
          "-DFLAGS=${RZ_BUILD_FLAGS} ${RZ_COMPILE_OPTS}" -DTYPE=${CMAKE_BUILD_TYPE}
          -P ${CMAKE_SOURCE_DIR}/cmake/WriteBuildInfo.cmake
  BYPRODUCTS ${RZ_BUILD_INFO_DIR}/build_info.h
  COMMENT "Recording git commit and build flags")
