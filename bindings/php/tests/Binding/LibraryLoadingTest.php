<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Config;
use Bigperson\ModulposApiClient\Exceptions\LibraryException;
use Bigperson\ModulposApiClient\Internal\Library;
use Tests\TestCase;

/**
 * Finding and loading the native library: one FFI object, the lookup order, the error naming every
 * place tried, the ABI check, the ffi.preload scope, and the declaration file.
 */
class LibraryLoadingTest extends TestCase
{
    private const PACKAGE = __DIR__ . '/../..';

    /** @var string[] */
    private $cleanup = [];

    protected function tearDown(): void
    {
        foreach (array_reverse($this->cleanup) as $path) {
            if (is_link($path) || is_file($path)) {
                unlink($path);
            } elseif (is_dir($path)) {
                $this->removeTree($path);
            }
        }
    }

    public function testOneFfiObjectPerProcess(): void
    {
        $this->assertSame(Library::ffi(), Library::ffi());
        $this->assertRegExpCompat('/^\d+\.\d+\.\d+/', Config::getLibraryVersion());
        $this->assertSame(1, Library::ABI_VERSION);
        $this->assertSame(Library::ABI_VERSION, Library::ffi()->mk_abi_version());
    }

    public function testTheLibraryPathCannotChangeOnceLoaded(): void
    {
        Library::ffi();
        try {
            Config::setLibraryPath('/elsewhere/libmodulpos.so');
            $this->fail('the path changed after loading');
        } catch (LibraryException $e) {
            $this->assertStringContainsString('already loaded', $e->getMessage());
        }
    }

    public function testTheDeclarationFileIsTheLibrarysGeneratedOne(): void
    {
        $declarations = (string) file_get_contents(Library::headerPath());
        $this->assertStringNotContainsString('#', $declarations, 'FFI::cdef has no preprocessor');
        $cHeader = self::PACKAGE . '/../../include/modulpos.h';
        if (!is_file($cHeader)) {
            $this->markTestSkipped('not in the repository: include/modulpos.h is not here');
        }
        // `cargo xtask headers` writes both from src/ffi/; every prototype here is the C header's.
        $c = (string) file_get_contents($cHeader);
        $prototypes = preg_grep('/^[a-z].*\bmk_\w+\(/', explode("\n", $declarations));
        $this->assertNotEmpty($prototypes);
        foreach ($prototypes as $line) {
            $this->assertStringContainsString($line, $c, 'run `cargo xtask headers` and commit both headers');
        }
    }

    public function testModulposFfiLibIsTheOnlyPlaceTriedWhenSet(): void
    {
        [$exit, $out] = $this->runInFreshProcess(self::PACKAGE, ['MODULPOS_FFI_LIB' => '/nonexistent/libmodulpos.so']);
        $this->assertSame(0, $exit, $out);
        $this->assertStringContainsString('library_not_found', $out);
        $this->assertStringContainsString('/nonexistent/libmodulpos.so (no such file)', $out);
        $this->assertStringNotContainsString('target/release', $out);
    }

    public function testTheErrorNamesEveryPlaceTried(): void
    {
        $repository = $this->temporaryDirectory();
        $package = $repository . '/bindings/php';
        $this->copyPackage($package);

        [$exit, $out] = $this->runInFreshProcess($package, ['MODULPOS_FFI_LIB' => null, 'LD_LIBRARY_PATH' => null]);

        $this->assertSame(0, $exit, $out);
        $this->assertStringContainsString('LibraryException library_not_found', $out);
        $this->assertStringContainsString("$package/lib/libmodulpos.so (no such file)", $out);
        $this->assertStringContainsString("$repository/target/release/libmodulpos.so (no such file)", $out);
        $this->assertStringContainsString("$repository/target/debug/libmodulpos.so (no such file)", $out);
        $this->assertStringContainsString('libmodulpos.so (system loader)', $out);
        $this->assertStringContainsString('MODULPOS_FFI_LIB', $out, 'the message says how to fix it');
    }

    public function testThePackagesLibDirectoryComesFirst(): void
    {
        $repository = $this->temporaryDirectory();
        $package = $repository . '/bindings/php';
        $this->copyPackage($package);
        mkdir($package . '/lib');
        symlink($this->builtLibrary(), $package . '/lib/libmodulpos.so');
        mkdir($repository . '/target/release', 0777, true);
        file_put_contents($repository . '/target/release/libmodulpos.so', 'not a library');

        [$exit, $out] = $this->runInFreshProcess($package, ['MODULPOS_FFI_LIB' => null]);

        $this->assertSame(0, $exit, $out);
        $this->assertStringContainsString("loaded $package/lib/libmodulpos.so", $out);
    }

    public function testAnotherAbiVersionIsRefusedWithBothVersions(): void
    {
        $fake = $this->compileLibraryWithAbi(2);

        [$exit, $out] = $this->runInFreshProcess(self::PACKAGE, ['MODULPOS_FFI_LIB' => $fake]);

        $this->assertSame(0, $exit, $out);
        $this->assertStringContainsString('LibraryException abi_mismatch', $out);
        $this->assertStringContainsString("$fake has ABI version 2", $out);
        $this->assertStringContainsString('needs ABI version 1', $out);
    }

    public function testAFileThatIsNotTheLibraryIsReported(): void
    {
        $dir = $this->temporaryDirectory();
        file_put_contents("$dir/libmodulpos.so", 'not a library');

        [$exit, $out] = $this->runInFreshProcess(self::PACKAGE, ['MODULPOS_FFI_LIB' => "$dir/libmodulpos.so"]);

        $this->assertSame(0, $exit, $out);
        $this->assertStringContainsString('library_not_found', $out);
        $this->assertStringContainsString("$dir/libmodulpos.so (", $out);
    }

    public function testFfiPreloadScopeIsUsedWhenPreloaded(): void
    {
        $header = $this->temporaryDirectory() . '/modulpos.h';
        $generator = realpath(self::PACKAGE . '/bin/modulpos-preload-header');
        $command = escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg($generator) . ' --lib ' . escapeshellarg($this->builtLibrary())
            . ' --output ' . escapeshellarg($header) . ' 2>&1';
        exec($command, $output, $status);
        $this->assertSame(0, $status, implode("\n", $output));
        $contents = (string) file_get_contents($header);
        $this->assertStringStartsWith("#define FFI_SCOPE \"MODULPOS\"\n#define FFI_LIB \"" . $this->builtLibrary() . "\"\n", $contents);

        [$exit, $out] = $this->runInFreshProcess(self::PACKAGE, ['MODULPOS_FFI_LIB' => '/nonexistent/ignored.so'], ['ffi.enable=preload', "ffi.preload=$header"]);

        $this->assertSame(0, $exit, $out);
        $this->assertStringContainsString('loaded preloaded FFI scope MODULPOS', $out);
        $this->assertStringContainsString('vat_tags', $out, 'calls go through the preloaded scope');
    }

    /**
     * Loads the binding from $package in a new PHP process and prints what happened.
     *
     * @param array<string, string|null> $env
     * @param string[]                   $ini
     *
     * @return array{0: int, 1: string, 2: string}
     */
    private function runInFreshProcess(string $package, array $env, array $ini = []): array
    {
        $code = sprintf(
            'require %s;
            use Bigperson\ModulposApiClient\Internal\Library;
            use Bigperson\ModulposApiClient\Internal\Tables;
            try {
                echo "loaded ", Library::origin(), "\n";
                echo implode(",", array_keys(Tables::all())), "\n";
            } catch (Bigperson\ModulposApiClient\Exceptions\ModulposException $e) {
                echo (new ReflectionClass($e))->getShortName(), " ", $e->getErrorCode(), "\n", $e->getMessage(), "\n";
            }',
            var_export($package . '/autoload.php', true)
        );
        $result = Subprocess::php($code, $env, $ini);
        $result[1] .= $result[2];

        return $result;
    }

    /** The library this process loaded (from the package's lib/ when installed), else a Cargo build. */
    private function builtLibrary(): string
    {
        $loaded = Library::origin() === 'preloaded FFI scope MODULPOS' ? false : realpath(Library::origin());
        if ($loaded !== false) {
            return $loaded;
        }
        foreach (['release', 'debug'] as $profile) {
            $path = realpath(self::PACKAGE . "/../../target/$profile/libmodulpos.so");
            if ($path !== false) {
                return $path;
            }
        }
        $this->markTestSkipped('no built library in target/');
    }

    private function compileLibraryWithAbi(int $abi): string
    {
        $compiler = trim((string) shell_exec('command -v cc || command -v gcc'));
        if ($compiler === '') {
            $this->markTestSkipped('no C compiler to build a library of another ABI version');
        }
        $dir = $this->temporaryDirectory();
        $source = "$dir/fake.c";
        // Every function the declaration file names, so FFI::cdef resolves them all.
        preg_match_all('/\b(mk_\w+)\(/', (string) file_get_contents(Library::headerPath()), $m);
        $functions = array_diff(array_unique($m[1]), ['mk_abi_version']);
        $c = "#include <stdint.h>\n";
        foreach ($functions as $function) {
            $c .= "void *$function(void) { return 0; }\n";
        }
        $c .= "uint32_t mk_abi_version(void) { return $abi; }\n";
        file_put_contents($source, $c);
        $library = "$dir/libmodulpos.so";
        exec(escapeshellarg($compiler) . ' -shared -fPIC -o ' . escapeshellarg($library) . ' ' . escapeshellarg($source) . ' 2>&1', $output, $status);
        $this->assertSame(0, $status, implode("\n", $output));

        return $library;
    }

    private function copyPackage(string $target): void
    {
        mkdir($target, 0777, true);
        copy(self::PACKAGE . '/autoload.php', "$target/autoload.php");
        foreach (['src', 'resources'] as $dir) {
            mkdir("$target/$dir");
            $iterator = new \RecursiveIteratorIterator(
                new \RecursiveDirectoryIterator(self::PACKAGE . "/$dir", \FilesystemIterator::SKIP_DOTS),
                \RecursiveIteratorIterator::SELF_FIRST
            );
            foreach ($iterator as $file) {
                $relative = substr($file->getPathname(), strlen(self::PACKAGE));
                if ($file->isDir()) {
                    mkdir($target . $relative, 0777, true);
                } else {
                    copy($file->getPathname(), $target . $relative);
                }
            }
        }
    }

    private function temporaryDirectory(): string
    {
        $dir = sys_get_temp_dir() . '/modulpos-php-test-' . bin2hex(random_bytes(6));
        mkdir($dir, 0700);
        $this->cleanup[] = $dir;

        return realpath($dir);
    }

    private function removeTree(string $dir): void
    {
        $iterator = new \RecursiveIteratorIterator(
            new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS),
            \RecursiveIteratorIterator::CHILD_FIRST
        );
        foreach ($iterator as $file) {
            if ($file->isDir() && !$file->isLink()) {
                rmdir($file->getPathname());
            } else {
                unlink($file->getPathname());
            }
        }
        rmdir($dir);
    }

    private function assertRegExpCompat(string $pattern, string $value): void
    {
        $this->assertSame(1, preg_match($pattern, $value), "$value does not match $pattern");
    }
}
