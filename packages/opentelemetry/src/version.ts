/** This package's version, the instrumentation scope version of the default meter (a test keeps it equal to package.json's). */
export const VERSION = '0.1.0';
