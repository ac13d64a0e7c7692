mkpkg -s pkgname=x -s pkgver=1 --script post-frobnicate=/dev/null
