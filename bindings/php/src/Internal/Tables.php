<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient\Internal;

use Bigperson\ModulposApiClient\Exceptions\LibraryException;

/**
 * The library's code tables (mk_tables()), loaded once per process: the one source of truth for
 * the values the entity setters accept (document types, tax modes, VAT tags, payment objects and
 * methods, money types).
 *
 * @internal
 */
final class Tables
{
    public const DOC_TYPES = 'doc_types';
    public const TAX_MODES = 'tax_modes';
    public const VAT_TAGS = 'vat_tags';
    public const PAYMENT_OBJECTS = 'payment_objects';
    public const PAYMENT_METHODS = 'payment_methods';
    public const MONEY_TYPES = 'payment_types';

    /** @var array<string, mixed>|null */
    private static $tables;

    /** @var array<string, array<string|int, true>> code sets, built on first use */
    private static $codes = [];

    private function __construct()
    {
    }

    /**
     * Every table as the library returns it.
     *
     * @return array<string, mixed>
     */
    public static function all(): array
    {
        if (self::$tables === null) {
            $tables = Library::call('mk_tables');
            if (!is_array($tables)) {
                throw new LibraryException('mk_tables returned no tables', 'internal');
            }
            self::$tables = $tables;
        }

        return self::$tables;
    }

    /**
     * The codes of one table, in the library's order.
     *
     * @return array<int, string|int>
     */
    public static function codes(string $table): array
    {
        return array_keys(self::codeSet($table));
    }

    /**
     * Whether a value is one of the table's codes. Integer codes (VAT tags) also match their
     * decimal string ('1105'): PHP stores such a string key as the integer. Nothing else is coerced.
     *
     * @param mixed $value
     */
    public static function contains(string $table, $value): bool
    {
        return (is_int($value) || is_string($value)) && isset(self::codeSet($table)[$value]);
    }

    /**
     * What an entity setter checks: throws $exceptionClass (the original package's *NotAllowed
     * exception for the field) unless $value is one of the table's codes. The message names the
     * value and lists the allowed codes.
     *
     * @param mixed                    $value
     * @param class-string<\Exception> $exceptionClass
     */
    public static function requireCode(string $table, $value, string $field, string $exceptionClass): void
    {
        if (!self::contains($table, $value)) {
            throw new $exceptionClass(
                self::describe($value) . " is not allowed as $field; allowed: " . implode(', ', self::codes($table))
            );
        }
    }

    /**
     * A short, safe description of a rejected value for an exception message.
     *
     * @param mixed $value
     */
    private static function describe($value): string
    {
        if (is_string($value)) {
            return "'" . (strlen($value) > 64 ? substr($value, 0, 64) . '...' : $value) . "'";
        }
        if (is_int($value) || is_float($value)) {
            return (string) $value;
        }
        if (is_bool($value)) {
            return $value ? 'true' : 'false';
        }

        return $value === null ? 'null' : gettype($value);
    }

    /**
     * @return array<string|int, true>
     */
    private static function codeSet(string $table): array
    {
        if (!isset(self::$codes[$table])) {
            $all = self::all();
            if (!isset($all[$table]) || !is_array($all[$table])) {
                throw new LibraryException("the library's tables have no `$table` table", 'internal');
            }
            $set = [];
            foreach ($all[$table] as $row) {
                $code = is_array($row) ? ($row['code'] ?? null) : $row;
                if (is_int($code) || is_string($code)) {
                    $set[$code] = true;
                }
            }
            self::$codes[$table] = $set;
        }

        return self::$codes[$table];
    }
}
