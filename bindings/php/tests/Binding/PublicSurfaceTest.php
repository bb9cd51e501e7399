<?php

declare(strict_types=1);

namespace Tests\Binding;

use Tests\TestCase;

/**
 * The binding's public surface contains the original package's, item for item: every class and
 * interface (same parent, at least the same interfaces), every constant with its value, every
 * public method with the same parameters (types, names, defaults) in the same order; new
 * parameters only at the end and optional. fixtures/original-surface.txt was written by
 * fixtures/public-surface.php from the original's src/ (bigperson/modulpos-php-api-client 7bdb952).
 */
class PublicSurfaceTest extends TestCase
{
    /** Differences on purpose (bindings/php/README.md, "Migrating"): the original's test URL is dead. */
    private const CHANGED = [
        "const Config::BASE_TEST_URI = 'https://demo-fn.avanpos.com/fn'" => "const Config::BASE_TEST_URI = 'https://demo.modulpos.ru/api/fn'",
    ];

    public function testTheOriginalSurfaceIsKept(): void
    {
        $original = self::lines((string) file_get_contents(__DIR__ . '/fixtures/original-surface.txt'));
        [$exit, $out, $err] = Subprocess::php(sprintf(
            '$argv = ["public-surface.php", %s]; require %s;',
            var_export(realpath(__DIR__ . '/../../src'), true),
            var_export(__DIR__ . '/fixtures/public-surface.php', true)
        ));
        $this->assertSame(0, $exit, $out . $err);
        $ours = self::lines($out);
        $this->assertGreaterThan(100, count($original));

        $missing = [];
        foreach ($original as $line) {
            $expected = self::onThisPhp(self::CHANGED[$line] ?? $line);
            if (!in_array($expected, $ours, true) && !self::extends($expected, $ours)) {
                $missing[] = $line;
            }
        }
        $this->assertSame([], $missing, 'items of the original public surface that the binding lacks or changed');
    }

    /**
     * The fixture was written on PHP 8, where every class with __toString() implements Stringable
     * by itself. PHP 7.4 has no Stringable: there the same class lists the rest of its interfaces.
     * Nothing else is changed, so the comparison stays exact on every version.
     */
    private static function onThisPhp(string $line): string
    {
        if (PHP_VERSION_ID >= 80000 || preg_match('/^class .* implements (.*)$/', $line, $m) !== 1) {
            return $line;
        }
        $interfaces = array_values(array_diff(explode(', ', $m[1]), ['Stringable']));
        $head = substr($line, 0, -strlen(' implements ' . $m[1]));

        return $interfaces === [] ? $head : $head . ' implements ' . implode(', ', $interfaces);
    }

    /**
     * Whether $ours has $line with additions only: a class implementing more interfaces, or a
     * method with more parameters at the end, each optional.
     *
     * @param array<int, string> $ours
     */
    private static function extends(string $line, array $ours): bool
    {
        if (preg_match('/^(class|interface) (\S+)(.*?)(?: implements (.*))?$/', $line, $m) === 1) {
            foreach ($ours as $candidate) {
                if (preg_match('/^(class|interface) (\S+)(.*?)(?: implements (.*))?$/', $candidate, $c) === 1
                    && $c[1] === $m[1] && $c[2] === $m[2] && $c[3] === $m[3]) {
                    $theirs = isset($m[4]) ? explode(', ', $m[4]) : [];
                    $mine = isset($c[4]) ? explode(', ', $c[4]) : [];

                    return array_diff($theirs, $mine) === [];
                }
            }

            return false;
        }
        if (preg_match('/^(method \S+)\((.*)\)$/', $line, $m) === 1) {
            foreach ($ours as $candidate) {
                if (strpos($candidate, $m[1] . '(') !== 0) {
                    continue;
                }
                $params = substr($candidate, strlen($m[1]) + 1, -1);
                $prefix = $m[2] === '' ? '' : $m[2] . ', ';
                if ($params !== $m[2] && strpos($params, $prefix) !== 0) {
                    return false;
                }
                $extra = $params === $m[2] ? [] : explode(', ', substr($params, strlen($prefix)));
                foreach ($extra as $parameter) {
                    if (strpos($parameter, ' = ') === false) {
                        return false;
                    }
                }

                return true;
            }
        }

        return false;
    }

    /**
     * @return array<int, string>
     */
    private static function lines(string $text): array
    {
        return array_values(array_filter(array_map('trim', explode("\n", $text)), 'strlen'));
    }
}
