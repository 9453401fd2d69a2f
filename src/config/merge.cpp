// placeholder (issue 17)
