/* Whole directory trees made by the caller (temporary outputs, staging):
 * removal without following symlinks.  Never point it at a tree an
 * archive planted without checking: it removes what it finds. */
#ifndef PARE_IO_TREE_H
#define PARE_IO_TREE_H

/* A fresh temporary directory $TMPDIR/pare-WHAT-XXXXXX (or /tmp) in out
 * (n bytes); 0 or -errno. */
int pare_tree_mkdtemp(const char *what, char *out, unsigned n);

/* rm -rf of dir (symlinks removed, never followed, other file systems
 * mounted inside not entered); missing is fine.  0, or the first -errno. */
int pare_tree_remove(const char *dir);

#endif
