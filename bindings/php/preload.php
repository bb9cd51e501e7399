<?php
/**
 * For opcache.preload (PHP-FPM, Apache mod_php): preloads every class of this package, which
 * ffi.enable=preload requires of any code that uses FFI outside the CLI, and checks the FFI scope
 * "MODULPOS" that ffi.preload made in the master, so requests neither parse declarations nor
 * dlopen. In the SAPI's php.ini (README, "PHP-FPM"), after
 * `php /srv/shop/vendor/bin/modulpos-preload-header --output /srv/shop/modulpos.h`:
 *
 *   ffi.enable = preload
 *   ffi.preload = /srv/shop/modulpos.h
 *   opcache.enable = 1
 *   opcache.preload = /srv/shop/vendor/modulpos/modulpos-ffi/preload.php
 *   opcache.preload_user = www-data
 *
 * PHP refuses FFI::load under opcache.preload_user, hence ffi.preload. A master that runs as an
 * unprivileged user (no opcache.preload_user) may leave out ffi.preload: this file then loads the
 * scope itself, looking the library up like the binding (MODULPOS_FFI_LIB in the master's
 * environment, else this package's lib/).
 */

declare(strict_types=1);

require __DIR__ . '/autoload.php';

// Every class, interface and trait of the package, through the autoloader (parents first).
$prefix = 'Bigperson\\ModulposApiClient\\';
$files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/src', FilesystemIterator::SKIP_DOTS));
foreach ($files as $file) {
    if ($file->getExtension() !== 'php') {
        continue;
    }
    $relative = substr($file->getPathname(), strlen(__DIR__ . '/src/'), -4);
    $name = $prefix . str_replace('/', '\\', $relative);
    if (!class_exists($name) && !interface_exists($name) && !trait_exists($name)) {
        throw new RuntimeException("modulpos preload.php: $file declares no $name");
    }
}

\Bigperson\ModulposApiClient\Internal\Library::preloadScope();
