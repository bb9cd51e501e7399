<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient;

use Bigperson\ModulposApiClient\Contracts\ModulposCashierInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposOrderInterface;
use Bigperson\ModulposApiClient\Exceptions\ValidationException;
use Bigperson\ModulposApiClient\Internal\DocumentBuilder;
use Bigperson\ModulposApiClient\Internal\Json;
use Bigperson\ModulposApiClient\Internal\Library;

/**
 * The transactional outbox: receipts queued in the shop's own database, in the same transaction as
 * the order, and sent by the `modulpos worker` program (cli/README.md, "Outbox").
 *
 *     $pdo->beginTransaction();
 *     $shop->saveOrder($order);                      // the shop's own tables
 *     $id = (new Outbox($pdo))->enqueue($receipt);   // the receipt, validated, same transaction
 *     $pdo->commit();                                // both or neither
 *
 * It uses the caller's PDO connection as it is and never begins, commits or rolls back a
 * transaction. Drivers: sqlite, mysql (MySQL and MariaDB), pgsql. The schema is the SQL file of
 * the driver from the repository's sql/outbox/, its one copy: the Composer archive carries it in
 * resources/outbox/ (scripts/dist.sh copies it there), and a checkout reads it in place.
 */
final class Outbox
{
    /** The schema files, by PDO driver name. */
    private const SCHEMAS = ['sqlite' => 'sqlite.sql', 'mysql' => 'mysql.sql', 'pgsql' => 'postgres.sql'];

    /** @var \PDO */
    private $pdo;

    /** @var string */
    private $table;

    /** @var string */
    private $driver;

    /**
     * @param string $table the table's name (letters, digits and _; the events go to "{$table}_events")
     */
    public function __construct(\PDO $pdo, string $table = 'modulpos_outbox')
    {
        if (preg_match('/^[A-Za-z_][A-Za-z0-9_]{0,48}$/', $table) !== 1) {
            throw new ValidationException(
                'the outbox table name must be 1 to 49 letters, digits or _, not starting with a digit',
                'invalid_argument',
                null,
                null,
                false,
                'table'
            );
        }
        $driver = (string) $pdo->getAttribute(\PDO::ATTR_DRIVER_NAME);
        if (!isset(self::SCHEMAS[$driver])) {
            throw new ValidationException(
                "the outbox supports the PDO drivers sqlite, mysql and pgsql, not $driver",
                'invalid_argument',
                null,
                null,
                false,
                'pdo'
            );
        }
        $this->pdo = $pdo;
        $this->table = $table;
        $this->driver = $driver;
    }

    /**
     * Creates the table, the events table and their indexes when missing; running it again changes
     * nothing. On MySQL/MariaDB DDL commits any open transaction: run it at deploy time.
     */
    public function install(): void
    {
        foreach (self::statements($this->driver, $this->table) as $sql) {
            $this->execute($sql, []);
        }
    }

    /**
     * Validates the receipt with the library (the rules sendCheck() applies; nothing invalid is
     * queued) and stores the normalized document for the worker. Returns the document id (the
     * order's documentUuid). Enqueueing an id that is already queued changes nothing and returns
     * the id: one id is one entry, one receipt.
     *
     * @param string|null $responseUrl  callback URL for the result
     * @param bool        $printReceipt print a paper receipt on the register
     *
     * @throws ValidationException (or the original package's exceptions) when the receipt is invalid
     */
    public function enqueue(ModulposOrderInterface $order, $responseUrl = null, $printReceipt = false, ?ModulposCashierInterface $cashier = null): string
    {
        $document = DocumentBuilder::build($order, $responseUrl, $printReceipt, $cashier);
        $normalized = Library::call('mk_validate', Json::encode($document), null)['document'];
        $id = (string) $normalized['id'];
        $now = self::nowMs();
        $table = $this->table;
        $columns = '(id, document, state, attempts, requeues, next_at, created_at, updated_at)';
        $values = "(?, ?, 'pending', 0, 0, ?, ?, ?)";
        switch ($this->driver) {
            case 'sqlite':
                $sql = "INSERT OR IGNORE INTO $table $columns VALUES $values";
                break;
            case 'mysql':
                $sql = "INSERT INTO $table $columns VALUES $values ON DUPLICATE KEY UPDATE id = id";
                break;
            default:
                $sql = "INSERT INTO $table $columns VALUES $values ON CONFLICT (id) DO NOTHING";
        }
        $inserted = $this->execute($sql, [$id, Json::encode($normalized), $now, $now, $now])->rowCount();
        if ($inserted > 0) {
            $this->execute(
                "INSERT INTO {$table}_events (document_id, at, event, to_state) VALUES (?, ?, 'enqueued', 'pending')",
                [$id, $now]
            );
        }

        return $id;
    }

    /**
     * The entry of a document id: 'id', 'state' (pending, sent, done, failed, rejected; see
     * cli/README.md), 'attempts' (POSTs made), 'requeues', 'last_error' and 'last_error_code' (null
     * when the last step succeeded), 'last_http_status', 'document_status' (the service's last
     * DocumentStatus as an array, or null before the first answer), 'next_at', 'created_at' and
     * 'updated_at' (milliseconds since the epoch), 'leased' (a worker is on it now).
     *
     * @throws ValidationException with code not_found when the id is not in the outbox
     *
     * @return array<string, mixed>
     */
    public function status(string $id): array
    {
        $row = $this->execute(
            "SELECT id, state, attempts, requeues, last_error, last_error_code, last_http_status,
                    doc_status_json, next_at, created_at, updated_at, lease_until
             FROM {$this->table} WHERE id = ?",
            [$id]
        )->fetch(\PDO::FETCH_ASSOC);
        if ($row === false) {
            throw new ValidationException("no outbox entry with the id $id", 'not_found', null, null, false, 'id');
        }
        $status = $row['doc_status_json'] === null
            ? null
            : json_decode((string) $row['doc_status_json'], true, 512, JSON_THROW_ON_ERROR);

        return [
            'id' => (string) $row['id'],
            'state' => (string) $row['state'],
            'attempts' => (int) $row['attempts'],
            'requeues' => (int) $row['requeues'],
            'last_error' => $row['last_error'] === null ? null : (string) $row['last_error'],
            'last_error_code' => $row['last_error_code'] === null ? null : (string) $row['last_error_code'],
            'last_http_status' => $row['last_http_status'] === null ? null : (int) $row['last_http_status'],
            'document_status' => $status,
            'next_at' => (int) $row['next_at'],
            'created_at' => (int) $row['created_at'],
            'updated_at' => (int) $row['updated_at'],
            'leased' => $row['lease_until'] !== null && (int) $row['lease_until'] > self::nowMs(),
        ];
    }

    /**
     * The schema's statements for a PDO driver, with the table name applied.
     *
     * @return string[]
     */
    public static function statements(string $driver, string $table = 'modulpos_outbox'): array
    {
        $text = false;
        $tried = [];
        // The package's copy first (an installed archive), then the repository (a checkout).
        foreach ([__DIR__ . '/../resources/outbox/', __DIR__ . '/../../../sql/outbox/'] as $directory) {
            $file = $directory . (self::SCHEMAS[$driver] ?? '');
            $tried[] = $file;
            if (is_file($file)) {
                $text = file_get_contents($file);
                break;
            }
        }
        if ($text === false) {
            throw new \LogicException("the outbox schema for $driver is missing; tried " . implode(', ', $tried));
        }
        $lines = array_filter(explode("\n", $text), static function (string $line): bool {
            return strncmp(ltrim($line), '--', 2) !== 0;
        });
        $statements = [];
        foreach (explode(';', implode("\n", $lines)) as $statement) {
            $statement = trim($statement);
            if ($statement !== '') {
                $statements[] = str_replace('modulpos_outbox', $table, $statement);
            }
        }

        return $statements;
    }

    /**
     * @param array<int, mixed> $parameters
     */
    private function execute(string $sql, array $parameters): \PDOStatement
    {
        $statement = $this->pdo->prepare($sql);
        if ($statement === false || $statement->execute($parameters) === false) {
            // PDO::ERRMODE_SILENT: report it anyway; a queued receipt must never vanish quietly.
            $info = ($statement === false ? $this->pdo : $statement)->errorInfo();
            throw new \PDOException('outbox: ' . ($info[2] ?? 'the statement failed') . " (SQLSTATE {$info[0]})");
        }

        return $statement;
    }

    private static function nowMs(): int
    {
        return (int) floor(microtime(true) * 1000);
    }
}
