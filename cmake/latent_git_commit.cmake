# cmake -DSOURCE_DIR=... -DOUTPUT=... -P latent_git_commit.cmake: writes OUTPUT, a header
# defining LATENT_GIT_COMMIT as SOURCE_DIR's commit ("47f99df1a2b3", "-dirty" appended when
# tracked files differ from it, "unknown" outside a git checkout of its own). Run at every build;
# the file is rewritten only when its text changes, so an unchanged commit recompiles nothing.
set(commit unknown)
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse --show-toplevel
                  OUTPUT_VARIABLE top RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET)
  # A source tarball unpacked inside some other repository is not that repository's commit.
  if(rc EQUAL 0)
    file(REAL_PATH "${top}" top)
    file(REAL_PATH "${SOURCE_DIR}" source)
  endif()
  if(rc EQUAL 0 AND top STREQUAL source)
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                    OUTPUT_VARIABLE head RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE
                    ERROR_QUIET)
    if(rc EQUAL 0 AND NOT head STREQUAL "")
      set(commit "${head}")
      # --no-optional-locks: never take the index lock a concurrent git command may need.
      execute_process(COMMAND "${GIT_EXECUTABLE}" --no-optional-locks -C "${SOURCE_DIR}" status
                              --porcelain --untracked-files=no
                      OUTPUT_VARIABLE changes RESULT_VARIABLE rc ERROR_QUIET)
      if(rc EQUAL 0 AND NOT changes STREQUAL "")
        string(APPEND commit "-dirty")
      endif()
    endif()
  endif()
endif()
file(CONFIGURE OUTPUT "${OUTPUT}"
     CONTENT "// Generated at build time by cmake/latent_git_commit.cmake.\n#pragma once\n#define LATENT_GIT_COMMIT \"${commit}\"\n"
     @ONLY)
