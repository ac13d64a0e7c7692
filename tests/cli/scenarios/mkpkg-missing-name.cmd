mkpkg -s pkgver=1.0-r0
