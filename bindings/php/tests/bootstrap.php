<?php
/**
 * PHPUnit bootstrap: the package's own autoloader (no Composer needed) and the test helpers.
 *
 * Live tests need a running modulpos-sandbox and these env vars (run-tests.sh sets them):
 * MODULPOS_LOGIN, MODULPOS_PASSWORD, MODULPOS_RETAIL_POINT_UUID, MODULPOS_TEST_BASE_URL
 * (and SANDBOX_ROOT for the sandbox's control interface). Without them they are skipped.
 */

require dirname(__DIR__) . '/autoload.php';

spl_autoload_register(static function ($class) {
    if (strncmp($class, 'Tests\\', 6) === 0) {
        $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, 6)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
