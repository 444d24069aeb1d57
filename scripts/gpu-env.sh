# Sourced by scripts/gpu-prepare and scripts/gpu-check: unpacks the .deb files that gpu-prepare
# downloaded into a private prefix and points the build at it, for a GPU machine that has the
# CUDA toolkit, CMake and Python but none of rz's Debian packages and no network.
#   gpu_unpack DEBDIR PREFIX   extract every DEBDIR/*.deb under PREFIX (dpkg -x, else ar + tar),
#                              retarget absolute symlinks into PREFIX, rewrite the .pc files'
#                              /usr paths to PREFIX/usr and drop their Requires.private (rz
#                              links shared libraries), and fill PREFIX/runlib with links, named
#                              by SONAME, to the shared libraries whose SONAME the system's
#                              ldconfig cache lacks (all of them with GPU_ENV_ALL_LIBS=1)
#   gpu_env PREFIX [only]      export PKG_CONFIG_PATH (PKG_CONFIG_LIBDIR with "only": nothing but
#                              PREFIX), CMAKE_PREFIX_PATH, CPATH, LIBRARY_PATH, LD_LIBRARY_PATH,
#                              and PATH when pkg-config itself is missing

gpu_multiarch() {
  gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu
}

gpu_extract() { # DEB DEST
  if command -v dpkg-deb >/dev/null 2>&1; then
    dpkg-deb -x "$1" "$2"
  else
    local data
    data=$(ar t "$1" | grep '^data\.tar')
    case "$data" in
      *.xz) ar p "$1" "$data" | tar -xJ -C "$2" ;;
      *.zst) ar p "$1" "$data" | tar --zstd -x -C "$2" ;;
      *.gz) ar p "$1" "$data" | tar -xz -C "$2" ;;
      *) ar p "$1" "$data" | tar -x -C "$2" ;;
    esac
  fi
}

gpu_unpack() { # DEBDIR PREFIX
  local debs=$1 prefix=$2 deb link target pc lib soname
  rm -rf "$prefix"
  mkdir -p "$prefix/runlib"
  for deb in "$debs"/*.deb; do
    gpu_extract "$deb" "$prefix" || { echo "gpu-env: cannot unpack $deb" >&2; return 1; }
  done
  while IFS= read -r link; do
    target=$(readlink "$link")
    case "$target" in /*) ln -sfn "$prefix$target" "$link" ;; esac
  done < <(find "$prefix" -type l)
  while IFS= read -r pc; do
    sed -i -e "s#^\\([A-Za-z_]*\\)=/usr#\\1=$prefix/usr#" \
      -e "s#-I/usr/#-I$prefix/usr/#g" -e "s#-L/usr/#-L$prefix/usr/#g" \
      -e '/^Requires\.private:/d' "$pc"
  done < <(find "$prefix" -name '*.pc' -type f)
  local have="$prefix/system-sonames"
  { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | awk 'NR > 1 {print $1}' >"$have"
  while IFS= read -r lib; do
    soname=$(objdump -p "$lib" 2>/dev/null | awk '$1 == "SONAME" {print $2}')
    [ -n "$soname" ] || soname=$(basename "$lib")
    if [ "${GPU_ENV_ALL_LIBS:-0}" = 1 ] || ! grep -Fxq "$soname" "$have"; then
      ln -sfn "$lib" "$prefix/runlib/$soname"
    fi
  done < <(find "$prefix/usr/lib" "$prefix/lib" -name 'lib*.so.*' -type f 2>/dev/null)
}

gpu_env() { # PREFIX [only]
  local prefix=$1 ma pcdirs
  ma=$(gpu_multiarch)
  pcdirs="$prefix/usr/lib/$ma/pkgconfig:$prefix/usr/share/pkgconfig:$prefix/usr/lib/pkgconfig"
  if [ "${2:-}" = only ]; then
    export PKG_CONFIG_LIBDIR=$pcdirs
    unset PKG_CONFIG_PATH
  else
    export PKG_CONFIG_PATH=$pcdirs${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
  fi
  export CMAKE_PREFIX_PATH=$prefix/usr${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}
  export CPATH=$prefix/usr/include${CPATH:+:$CPATH}
  export LIBRARY_PATH=$prefix/usr/lib/$ma:$prefix/lib/$ma${LIBRARY_PATH:+:$LIBRARY_PATH}
  export LD_LIBRARY_PATH=$prefix/runlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  if ! command -v pkg-config >/dev/null 2>&1; then
    mkdir -p "$prefix/bin"
    ln -sfn "$prefix/usr/bin/pkgconf" "$prefix/bin/pkg-config"
    export PATH=$prefix/bin:$PATH
  fi
}
