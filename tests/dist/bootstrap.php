<?php
/**
 * PHPUnit bootstrap for tests/dist: runs the binding's own OriginalReadmeTest against the package
 * installed in a fresh Composer project, not against the checkout.
 *
 * MODULPOS_DIST_AUTOLOAD: the project's vendor/autoload.php (the package's classes come only from
 * there); the test helpers (Tests\TestCase, Tests\Binding\Sandbox) come from bindings/php/tests.
 * MODULPOS_DIST_REPORT: a file that receives, when PHPUnit ends, where the library and the Client
 * class were loaded from, for run.sh to check they are the installed package's.
 */

require getenv('MODULPOS_DIST_AUTOLOAD');

$tests = dirname(__DIR__, 2) . '/bindings/php/tests';
spl_autoload_register(static function ($class) use ($tests) {
    if (strncmp($class, 'Tests\\', 6) === 0) {
        $file = $tests . '/' . str_replace('\\', '/', substr($class, 6)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});

register_shutdown_function(static function () {
    $client = new \ReflectionClass(\Bigperson\ModulposApiClient\Client::class);
    file_put_contents((string) getenv('MODULPOS_DIST_REPORT'), implode("\n", [
        'library: ' . \Bigperson\ModulposApiClient\Internal\Library::origin(),
        'classes: ' . dirname((string) $client->getFileName()),
        'outbox schema statements: ' . count(\Bigperson\ModulposApiClient\Outbox::statements('sqlite')),
    ]) . "\n");
});
