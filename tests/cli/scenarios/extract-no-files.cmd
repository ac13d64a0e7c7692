extract
