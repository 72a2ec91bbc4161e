# SPDX-License-Identifier: MIT
# What 'cmake --install' puts in place, in the directories of GNUInstallDirs:
# with --prefix /usr on Debian that is the multiarch library directory,
# which is how debian/rules installs it before dh_install splits the files
# into the packages dyd, libdyd0 and libdyd-dev (debian/*.install).

install(TARGETS dyd-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS dyd EXPORT dydTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# dyd.pc names plain absolute paths under the configured prefix (another
# prefix: pkg-config --define-variable=prefix=...). The libraries dyd links
# are Requires.private, for pkg-config --static, except cJSON: its .pc puts
# -I/usr/include/cjson into Cflags, which pkg-config hands on through
# Requires.private to every program that uses dyd.h, although dyd.h
# includes no cJSON header; so cJSON is named in Libs.private alone.
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(DYD_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(DYD_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
configure_file(lib/dyd.pc.in dyd.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dyd.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# find_package(dyd) and the imported target dyd::dyd. The libraries dyd
# links are private to the shared library, so the package needs none of
# them found. Within a 0.x version, only the same minor version is
# compatible.
include(CMakePackageConfigHelpers)
set(DYD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dyd)
install(EXPORT dydTargets NAMESPACE dyd:: DESTINATION ${DYD_CMAKE_DIR})
configure_package_config_file(cmake/dydConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/dydConfig.cmake
  INSTALL_DESTINATION ${DYD_CMAKE_DIR})
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/dydConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dydConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/dydConfigVersion.cmake
  DESTINATION ${DYD_CMAKE_DIR})

file(GLOB DYD_MAN1 CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/man/*.1)
file(GLOB DYD_MAN3 CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/man/*.3)
file(GLOB DYD_MAN5 CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/man/*.5)
install(FILES ${DYD_MAN1} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${DYD_MAN3} DESTINATION ${CMAKE_INSTALL_MANDIR}/man3)
install(FILES ${DYD_MAN5} DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
file(GLOB DYD_SCHEMAS CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/schemas/*.schema.json)
install(FILES ${DYD_SCHEMAS} DESTINATION ${CMAKE_INSTALL_DATADIR}/dyd/schemas)
install(FILES completion/dyd.bash RENAME dyd
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
