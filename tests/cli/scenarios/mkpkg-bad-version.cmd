mkpkg -s pkgname=x -s pkgver=1.0-bogus
