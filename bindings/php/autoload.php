<?php
/**
 * PSR-4 autoloader for shops that do not use Composer:
 *
 *     require '/path/to/bindings/php/autoload.php';
 *
 * It maps the namespace Bigperson\ModulposApiClient\ to src/, exactly like composer.json does.
 */

spl_autoload_register(static function ($class) {
    $prefix = 'Bigperson\\ModulposApiClient\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $relative = substr($class, strlen($prefix));
    $file = __DIR__ . '/src/' . str_replace('\\', '/', $relative) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
