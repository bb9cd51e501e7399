<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Exceptions\ApiException;
use Bigperson\ModulposApiClient\Exceptions\CallbackException;
use Bigperson\ModulposApiClient\Exceptions\ItemsNotFound;
use Bigperson\ModulposApiClient\Exceptions\LibraryException;
use Bigperson\ModulposApiClient\Exceptions\ModulposException;
use Bigperson\ModulposApiClient\Exceptions\RequiredParameterNotFound;
use Bigperson\ModulposApiClient\Exceptions\TransportException;
use Bigperson\ModulposApiClient\Exceptions\ValidationException;
use Bigperson\ModulposApiClient\Internal\ErrorMapper;
use Tests\TestCase;

/**
 * Every error code of the library's envelope maps to one exception class carrying its details.
 */
class ErrorMapperTest extends TestCase
{
    /**
     * @dataProvider codes
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('codes')]
    public function testEveryCodeHasItsClass(string $code, string $class, ?int $status, bool $retryable): void
    {
        $e = ErrorMapper::fromEnvelopeError([
            'code' => $code,
            'message' => "message of $code",
            'retryable' => $retryable,
            'http_status' => $status,
            'field' => null,
            'service_message' => $status === null ? null : 'the service says no',
            'issues' => [],
        ]);
        $this->assertSame($class, get_class($e));
        $this->assertInstanceOf(ModulposException::class, $e);
        $this->assertSame($code, $e->getErrorCode());
        $this->assertSame("message of $code", $e->getMessage());
        $this->assertSame($status, $e->getHttpStatus());
        $this->assertSame($status ?? 0, $e->getCode());
        $this->assertSame($retryable, $e->isRetryable());
        $this->assertSame($status === null ? null : 'the service says no', $e->getServiceMessage());
        $this->assertNull($e->getField());
        $this->assertSame([], $e->getIssues());
    }

    public function testTheTwoTruthsAndTheRetryAfterAreExposed(): void
    {
        $e = ErrorMapper::fromEnvelopeError([
            'code' => 'rejected',
            'message' => 'rejected by the service (HTTP 429)',
            'retryable' => true,
            'http_status' => 429,
            'field' => null,
            'service_message' => null,
            'issues' => [],
            'issue_count' => 0,
            'may_exist' => true,
            'safe_to_resend' => true,
            'retry_after_ms' => 2000,
        ]);
        $this->assertTrue($e->mayExist());
        $this->assertTrue($e->isSafeToResend());
        $this->assertSame(2000, $e->getRetryAfterMs());
        // An older library without the keys: nothing may exist, safe to resend is retryable.
        $e = ErrorMapper::fromEnvelopeError(['code' => 'timeout', 'message' => 'x', 'retryable' => true]);
        $this->assertFalse($e->mayExist());
        $this->assertTrue($e->isSafeToResend());
        $this->assertNull($e->getRetryAfterMs());
        // A capped issue list keeps its full count.
        $e = ErrorMapper::fromEnvelopeError([
            'code' => 'validation',
            'message' => 'x',
            'issues' => [['field' => 'inventPositions[0].vatTag', 'reason' => 'is not a known code']],
            'issue_count' => 340000,
        ]);
        $this->assertSame(340000, $e->getIssueCount());
    }

    public static function codes(): array
    {
        return [
            ['validation', ValidationException::class, null, false],
            ['invalid_argument', ValidationException::class, null, false],
            ['authentication', ApiException::class, 401, false],
            ['forbidden', ApiException::class, 403, false],
            ['not_found', ApiException::class, 404, false],
            ['rejected', ApiException::class, 400, false],
            ['server_error', ApiException::class, 503, true],
            ['malformed_response', ApiException::class, 200, false],
            ['transport', TransportException::class, null, true],
            ['timeout', TransportException::class, null, true],
            ['internal', LibraryException::class, null, false],
            ['callback_signature', CallbackException::class, null, false],
            ['a_code_from_a_newer_library', LibraryException::class, null, false],
        ];
    }

    public function testAValidationErrorCarriesItsFieldAndIssues(): void
    {
        $e = ErrorMapper::fromEnvelopeError([
            'code' => 'validation',
            'message' => 'invalid receipt: email: is not an e-mail or a phone',
            'field' => 'email',
            'issues' => [['field' => 'email', 'rule' => 'contact', 'reason' => 'is not an e-mail or a phone'], 'garbage'],
        ]);
        $this->assertInstanceOf(ValidationException::class, $e);
        $this->assertSame('email', $e->getField());
        $this->assertSame([['field' => 'email', 'rule' => 'contact', 'reason' => 'is not an e-mail or a phone']], $e->getIssues());
    }

    public function testTheOriginalClassesWinInTheOriginalOrder(): void
    {
        $issues = [
            ['field' => 'moneyPositions', 'rule' => 'required', 'reason' => 'must contain at least one payment'],
            ['field' => 'inventPositions[1].price', 'rule' => 'required', 'reason' => 'is required'],
            ['field' => 'inventPositions[0].name', 'rule' => 'required', 'reason' => 'is required'],
            ['field' => 'email', 'rule' => 'contact', 'reason' => 'is not an e-mail or a phone'],
        ];
        $e = ErrorMapper::fromEnvelopeError(['code' => 'validation', 'message' => 'x', 'issues' => $issues]);
        $this->assertInstanceOf(RequiredParameterNotFound::class, $e);
        $this->assertSame('name in orderItem is required', $e->getMessage(), 'item 0 comes before item 1');

        $e = ErrorMapper::fromEnvelopeError(['code' => 'validation', 'message' => 'x', 'issues' => [$issues[0], $issues[3]]]);
        $this->assertInstanceOf(ItemsNotFound::class, $e);
        $this->assertSame('paymentItems is required', $e->getMessage());
    }

    public function testAnOriginalFieldWithAnotherProblemIsNotAnOriginalException(): void
    {
        $e = ErrorMapper::fromEnvelopeError(['code' => 'validation', 'message' => 'x', 'issues' => [
            ['field' => 'inventPositions[0].price', 'rule' => 'decimals', 'reason' => 'has more than 2 decimals'],
        ]]);
        $this->assertInstanceOf(ValidationException::class, $e);
    }

    public function testOnlyTheRuleCodeDecidesTheClassNeverTheReasonText(): void
    {
        // A reason reworded in Rust cannot change what shop code catches: the same field with the
        // rule `required` is the original class whatever the text, any other rule is not.
        $e = ErrorMapper::fromEnvelopeError(['code' => 'validation', 'message' => 'x', 'issues' => [
            ['field' => 'inventPositions[0].quantity', 'rule' => 'required', 'reason' => 'completely new wording'],
        ]]);
        $this->assertInstanceOf(RequiredParameterNotFound::class, $e);
        $this->assertSame('quantity in orderItem is required', $e->getMessage());
        $e = ErrorMapper::fromEnvelopeError(['code' => 'validation', 'message' => 'x', 'issues' => [
            ['field' => 'inventPositions[0].quantity', 'rule' => 'negative', 'reason' => 'is required'],
        ]]);
        $this->assertInstanceOf(ValidationException::class, $e);
        $this->assertSame('inventPositions[0].quantity', $e->getIssues()[0]['field']);
    }

    public function testNoPhpFileMatchesOnTheTextOfARustReason(): void
    {
        // ('is required' is in the original package's own messages, which PHP writes.)
        $reasons = ['must not be empty', 'must contain at least one', 'must be greater than 0',
            'the check digit does not match', 'has more than', 'must not be negative',
            'is longer than', 'is not a finite number'];
        $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(dirname(__DIR__, 2) . '/src'));
        foreach ($files as $file) {
            if ($file->getExtension() !== 'php') {
                continue;
            }
            $code = (string) file_get_contents($file->getPathname());
            foreach ($reasons as $reason) {
                $this->assertStringNotContainsString($reason, $code, $file->getPathname());
            }
        }
    }

    public function testAMalformedEnvelopeErrorIsStillAnException(): void
    {
        $e = ErrorMapper::fromEnvelopeError([]);
        $this->assertInstanceOf(LibraryException::class, $e);
        $this->assertSame('internal', $e->getErrorCode());
    }
}
