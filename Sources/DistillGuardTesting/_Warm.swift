// placeholder for warm build
