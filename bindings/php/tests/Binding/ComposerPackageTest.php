<?php

declare(strict_types=1);

namespace Tests\Binding;

use Tests\TestCase;

/**
 * The Composer package: valid, and a drop-in for the original: a shop whose other packages
 * require bigperson/modulpos-php-api-client installs this one instead (offline, from a path
 * repository) and loads the original's classes through Composer's autoloader.
 * Skipped when Composer is not installed.
 */
class ComposerPackageTest extends TestCase
{
    private const PACKAGE = __DIR__ . '/../..';

    /** @var string|null */
    private $shop;

    protected function tearDown(): void
    {
        if ($this->shop !== null) {
            exec('rm -rf ' . escapeshellarg($this->shop));
        }
    }

    public function testComposerJsonIsValid(): void
    {
        [$status, $output] = $this->composer(['validate', '--strict', '--no-interaction'], realpath(self::PACKAGE));
        $this->assertSame(0, $status, $output);
    }

    public function testItReplacesTheOriginalPackageInAShop(): void
    {
        // The README's path-repository snippet as documented: "*@dev", no minimum-stability.
        $this->makeShop('^2.1');
        [$status, $output] = $this->composer(['install', '--no-interaction', '--no-progress'], $this->shop);
        $this->assertSame(0, $status, $output);

        [$exit, $out, $err] = Subprocess::php(sprintf(
            'require %s;
            $item = Bigperson\ModulposApiClient\Entity\OrderItem::create(["vatTag" => Bigperson\ModulposApiClient\Contracts\ModulposOrderItemInterface::VAT_22]);
            echo Bigperson\ModulposApiClient\Config::getBaseUrl(true), " ", $item->getVatTag();',
            var_export($this->shop . '/vendor/autoload.php', true)
        ));
        $this->assertSame(0, $exit, $out . $err);
        $this->assertSame('https://demo.modulpos.ru/api/fn 1113', $out);
    }

    public function testItDoesNotReplaceAFutureMajorOfTheOriginal(): void
    {
        $this->makeShop('^3.0');
        [$status, $output] = $this->composer(['install', '--no-interaction', '--no-progress'], $this->shop);
        $this->assertNotSame(0, $status, $output);
        $this->assertStringContainsString('bigperson/modulpos-php-api-client', $output);
    }

    /** A shop whose plugin requires the original package with $constraint. */
    private function makeShop(string $constraint): void
    {
        $this->shop = sys_get_temp_dir() . '/modulpos-shop-' . bin2hex(random_bytes(6));
        mkdir($this->shop . '/plugin', 0700, true);
        file_put_contents($this->shop . '/plugin/composer.json', json_encode([
            'name' => 'shop/modulkassa-plugin',
            'version' => '1.0.0',
            'require' => ['bigperson/modulpos-php-api-client' => $constraint],
        ]));
        file_put_contents($this->shop . '/composer.json', json_encode([
            'repositories' => [
                ['packagist.org' => false],
                ['type' => 'path', 'url' => realpath(self::PACKAGE), 'options' => ['symlink' => true]],
                ['type' => 'path', 'url' => 'plugin'],
            ],
            'require' => ['modulpos/modulpos-ffi' => '*@dev', 'shop/modulkassa-plugin' => '*'],
        ], JSON_UNESCAPED_SLASHES));
    }

    /**
     * @param string[] $arguments
     *
     * @return array{0: int, 1: string}
     */
    private function composer(array $arguments, string $directory): array
    {
        $composer = trim((string) shell_exec('command -v composer'));
        if ($composer === '') {
            $this->markTestSkipped('Composer is not installed');
        }
        $home = sys_get_temp_dir() . '/modulpos-composer-home-' . getmypid();
        $command = 'cd ' . escapeshellarg($directory) . ' && COMPOSER_HOME=' . escapeshellarg($home)
            . ' COMPOSER_CACHE_DIR=' . escapeshellarg($home . '/cache') . ' COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_DISABLE_NETWORK=1 '
            . escapeshellarg($composer) . ' ' . implode(' ', array_map('escapeshellarg', $arguments)) . ' 2>&1';
        exec($command, $output, $status);
        exec('rm -rf ' . escapeshellarg($home));

        return [$status, implode("\n", $output)];
    }
}
