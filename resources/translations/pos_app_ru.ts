<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru" sourcelanguage="en">
  <context>
    <name>Amount</name>
    <message>
      <location filename="../../pos_app/core/money.py" />
      <source>Enter an amount.</source>
      <translation>Введите сумму.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/money.py" />
      <source>The amount cannot be negative.</source>
      <translation>Сумма не может быть отрицательной.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>The amount must be greater than zero.</source>
      <translation>Сумма должна быть больше нуля.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/money.py" />
      <source>The amount {amount} is above the maximum of {limit}.</source>
      <translation>Сумма {amount} больше максимальной ({limit}).</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/money.py" />
      <source>The amount {amount} is below the minimum of {limit}.</source>
      <translation>Сумма {amount} меньше минимальной ({limit}).</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/money.py" />
      <source>{amount} has more than {digits} digits after the decimal point.</source>
      <translation>В {amount} больше {digits} знаков после запятой.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/money.py" />
      <source>“{text}” is not an amount.</source>
      <translation>«{text}» — не сумма.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/money.py" />
      <source>“{text}” is not an amount. Use digits and one decimal separator.</source>
      <translation>«{text}» — не сумма. Введите цифры и не больше одной запятой.</translation>
    </message>
  </context>
  <context>
    <name>App</name>
    <message>
      <location filename="../../pos_app/ui/app.py" />
      <source>Live mode needs secrets that are not stored yet: {secrets}.</source>
      <translation>Рабочему режиму нужны секреты, которые ещё не сохранены: {secrets}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/app.py" />
      <source>No answer from {provider} within {seconds} s. Check the address and this till's network.</source>
      <translation>{provider} не ответил за {seconds} с. Проверьте адрес и сеть кассы.</translation>
    </message>
    <message>
      <location filename="../../pos_app/app.py" />
      <source>No connection to {provider} at {address}. Check the address and this till's network.</source>
      <translation>Нет связи с {provider} по адресу {address}. Проверьте адрес и сеть кассы.</translation>
    </message>
    <message>
      <location filename="../../pos_app/app.py" />
      <source>The address {url} answered (HTTP {status}), but not as the training sandboxes do. Check --sandbox-url.</source>
      <translation>Адрес {url} ответил (HTTP {status}), но не так, как отвечают учебные песочницы. Проверьте --sandbox-url.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/app.py" />
      <source>The journal file {path} is damaged ({problem}). Every payment recorded so far is kept in it; take no more payments and contact support.</source>
      <translation>Файл журнала {path} повреждён ({problem}). Все записанные платежи в нём сохранены; не принимайте больше платежей и обратитесь в поддержку.</translation>
    </message>
    <message>
      <location filename="../../pos_app/app.py" />
      <source>The training sandboxes at {url} do not answer. Start them (pos-app sandbox), or start without --sandbox-url.</source>
      <translation>Учебные песочницы по адресу {url} не отвечают. Запустите их (pos-app sandbox) или запускайте без --sandbox-url.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/app.py" />
      <source>Updating the journal for this version of the app. Every payment is kept, also if the power goes off meanwhile.</source>
      <translation>Журнал обновляется для этой версии программы. Все платежи сохраняются, даже если пропадёт питание.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/app.py" />
      <source>Updating the journal for this version of the app: step {done} of {total}. Every payment is kept, also if the power goes off meanwhile.</source>
      <translation>Журнал обновляется для этой версии программы: шаг {done} из {total}. Все платежи сохраняются, даже если отключится питание.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/app.py" />
      <source>pos-app cannot start</source>
      <translation>pos-app не может запуститься</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/app.py" />
      <source>pos-app is already open</source>
      <translation>pos-app уже открыта</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/app.py" />
      <source>pos-app is already open on this till, or still closing. Use the window that is open (it may be behind another window), or start it again in a moment.</source>
      <translation>pos-app уже открыта на этой кассе или ещё закрывается. Работайте в открытом окне (оно может быть за другим окном) или запустите программу снова чуть позже.</translation>
    </message>
  </context>
  <context>
    <name>CLI</name>
    <message>
      <location filename="../../pos_app/cli/common.py" />
      <source>--item {item}: use LINE=QUANTITY, e.g. 1=2</source>
      <translation>--item {item}: укажите СТРОКА=КОЛИЧЕСТВО, например 1=2</translation>
    </message>
    <message>
      <location filename="../../pos_app/cli/common.py" />
      <source>--output is empty: give a file name.</source>
      <translation>--output пуст: укажите имя файла.</translation>
    </message>
    <message>
      <location filename="../../pos_app/cli/common.py" />
      <source>--output {path} exists already: give another name, or delete it first.</source>
      <translation>--output {path} уже существует: укажите другое имя или сначала удалите файл.</translation>
    </message>
    <message>
      <location filename="../../pos_app/cli/common.py" />
      <source>--output {path} is a folder: give a file name.</source>
      <translation>--output {path} — это папка: укажите имя файла.</translation>
    </message>
    <message>
      <location filename="../../pos_app/cli/common.py" />
      <source>--output {path}: the folder {folder} cannot be written to.</source>
      <translation>--output {path}: в папку {folder} нельзя записывать.</translation>
    </message>
    <message>
      <location filename="../../pos_app/cli/common.py" />
      <source>--output {path}: the folder {folder} does not exist.</source>
      <translation>--output {path}: папки {folder} нет.</translation>
    </message>
    <message>
      <location filename="../../pos_app/cli/common.py" />
      <source>This terminal takes payments in {mine}; --currency {asked} cannot be used.</source>
      <translation>Эта касса принимает платежи в {mine}; --currency {asked} использовать нельзя.</translation>
    </message>
    <message>
      <location filename="../../pos_app/cli/common.py" />
      <source>{path} could not be written: {why}.</source>
      <translation>Не удалось записать {path}: {why}.</translation>
    </message>
  </context>
  <context>
    <name>Catalog</name>
    <message>
      <location filename="../../pos_app/core/catalog.py" />
      <source>Line {line}: barcode {barcode} appears twice; the first one is used.</source>
      <translation>Строка {line}: штрихкод {barcode} встречается дважды; используется первый.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/catalog.py" />
      <source>Line {line}: {problem}</source>
      <translation>Строка {line}: {problem}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/catalog.py" />
      <source>The catalog file {path} cannot be read: {error}</source>
      <translation>Файл каталога {path} не читается: {error}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/catalog.py" />
      <source>The catalog file {path} does not exist.</source>
      <translation>Файла каталога {path} нет.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/catalog.py" />
      <source>The catalog has no column {columns}.</source>
      <translation>В каталоге нет столбца {columns}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/catalog.py" />
      <source>The catalog is empty.</source>
      <translation>Каталог пуст.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/catalog.py" />
      <source>a barcode and a name are needed</source>
      <translation>нужны штрихкод и наименование</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/catalog.py" />
      <source>unknown VAT rate “{vat}”; use one of {known}</source>
      <translation>неизвестная ставка НДС «{vat}»; допустимы: {known}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/catalog.py" />
      <source>unknown measure “{measure}”; use one of {known}</source>
      <translation>неизвестная единица измерения «{measure}»; допустимы: {known}</translation>
    </message>
  </context>
  <context>
    <name>Common</name>
    <message>
      <location filename="../../pos_app/ui/support.py" />
      <source>Attention</source>
      <translation>Внимание</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/support.py" />
      <source>Information</source>
      <translation>Информация</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/support.py" />
      <source>Please confirm</source>
      <translation>Подтвердите</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/progress.py" />
      <source>Please wait</source>
      <translation>Подождите</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/support.py" />
      <source>Something went wrong in the app, and this action was not completed.

Nothing is lost: every payment is kept in the journal, and payments in progress go on. If a payment was being taken, check it in History before taking it again. If this happens again, restart the app and tell your administrator; the details are in the log.</source>
      <translation>В программе произошла ошибка, действие не выполнено.

Ничего не потеряно: все платежи сохранены в журнале, начатые платежи продолжаются. Если в этот момент проводился платёж, проверьте его в «Истории», прежде чем принимать оплату снова. Если ошибка повторится, перезапустите программу и сообщите администратору; подробности записаны в журнал работы программы.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/progress.py" />
      <source>Stop waiting</source>
      <translation>Не ждать</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/progress.py" />
      <source>{done} of {total}</source>
      <translation>{done} из {total}</translation>
    </message>
  </context>
  <context>
    <name>Config</name>
    <message>
      <location filename="../../pos_app/headoffice/releases.py" />
      <source>The configuration file cannot be read: {error}</source>
      <translation>Файл конфигурации не читается: {error}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>The configuration has problems:
{problems}</source>
      <translation>В настройках есть ошибки:
{problems}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>The configuration {path} has problems:
{problems}</source>
      <translation>В настройках {path} есть ошибки:
{problems}</translation>
    </message>
    <message>
      <location filename="../../pos_app/headoffice/releases.py" />
      <source>The release sets nothing.</source>
      <translation>Выпуск ничего не задаёт.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>There is no terminal configuration at {path}.</source>
      <translation>Настроек терминала в {path} нет.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>a list of texts</source>
      <translation>список строк</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>a number</source>
      <translation>число</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>a table</source>
      <translation>таблица</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>a whole number</source>
      <translation>целое число</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>an amount as text, e.g. "4.00"</source>
      <translation>сумма в виде строки, например "4.00"</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>cannot be read: {error}</source>
      <translation>не читается: {error}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>expected a list of texts</source>
      <translation>ожидается список строк</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>expected {expected}, got {value!r}</source>
      <translation>ожидается {expected}, указано {value!r}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>has a space, tab or control character</source>
      <translation>содержит пробел, табуляцию или управляющий символ</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/settings.py" />
      <source>is below min_amount: no payment could be taken</source>
      <translation>меньше min_amount: ни один платёж не мог бы пройти</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>is longer than {n} characters</source>
      <translation>длиннее {n} символов</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>is not UTF-8 text</source>
      <translation>не является текстом в UTF-8</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>is not valid TOML at line {line}, column {column}</source>
      <translation>не является корректным TOML: ошибка в строке {line}, столбце {column}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>is not valid TOML: {error}</source>
      <translation>не является корректным TOML: {error}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>is required</source>
      <translation>обязательно</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/settings.py" />
      <source>is required when api = "public"</source>
      <translation>обязательно при api = "public"</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>may hold only letters, digits, “-”, “_” and “.”, with no spaces</source>
      <translation>может содержать только буквы, цифры, «-», «_» и «.», без пробелов</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>must be 58 or 80</source>
      <translation>должно быть 58 или 80</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>no payment provider is enabled</source>
      <translation>не включён ни один платёжный сервис</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>text</source>
      <translation>строка</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>the file does not exist</source>
      <translation>файла нет</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>true or false</source>
      <translation>true или false</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>unknown setting (a typo?)</source>
      <translation>неизвестная настройка (опечатка?)</translation>
    </message>
    <message>
      <location filename="../../pos_app/headoffice/releases.py" />
      <source>{key}: is each register's own; a release may not set it</source>
      <translation>{key}: у каждой кассы своё; обновление от головного офиса не может это задавать</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>{key}: is required</source>
      <translation>{key}: обязательный параметр</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/plugin.py" />
      <source>{key}: is required for Koshelek Pay in live mode</source>
      <translation>{key}: обязателен для Koshelek Pay в рабочем режиме</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>{key}: {path} is a file, not a folder</source>
      <translation>{key}: {path} — это файл, а не папка</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>{key}: {path} is on a network share; SQLite's journal can be corrupted there. Keep the journal on a local disk.</source>
      <translation>{key}: {path} находится в сетевой папке; там журнал SQLite может быть повреждён. Храните журнал на локальном диске.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>{key}: {problem}</source>
      <translation>{key}: {problem}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>{value!r} has characters that are not allowed</source>
      <translation>в {value!r} есть недопустимые символы</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>{value!r} is not one of {choices}</source>
      <translation>{value!r} — не одно из: {choices}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/config.py" />
      <source>{value} is outside {lo}…{hi}</source>
      <translation>{value} вне пределов {lo}…{hi}</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/urls.py" />
      <source>{what}: plain http to {host} is not allowed in live mode; use https.</source>
      <translation>{what}: незащищённый http к {host} в рабочем режиме запрещён; используйте https.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/urls.py" />
      <source>{what}: “{url}” is not an http(s) URL.</source>
      <translation>{what}: «{url}» не является адресом http(s).</translation>
    </message>
  </context>
  <context>
    <name>CustomerDisplay</name>
    <message>
      <location filename="../../pos_app/ui/customer.py" />
      <source>Confirm the payment in your app</source>
      <translation>Подтвердите оплату в приложении</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/customer.py" />
      <source>Customer display</source>
      <translation>Экран покупателя</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/customer.py" />
      <source>Scan the code with your phone to pay</source>
      <translation>Отсканируйте код телефоном, чтобы оплатить</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/customer.py" />
      <source>TRAINING — NOT A REAL PAYMENT</source>
      <translation>ОБУЧЕНИЕ — НЕ НАСТОЯЩАЯ ОПЛАТА</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/customer.py" />
      <source>Thank you! Paid.</source>
      <translation>Спасибо! Оплачено.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/customer.py" />
      <source>The payment did not go through.</source>
      <translation>Оплата не прошла.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/customer.py" />
      <source>To pay</source>
      <translation>К оплате</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/customer.py" />
      <source>Welcome!</source>
      <translation>Добро пожаловать!</translation>
    </message>
  </context>
  <context>
    <name>Dialogs</name>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>A barcode ({code}) was scanned into this form; it was not taken. Finish this form (OK or Cancel), then scan again.</source>
      <translation>В эту форму отсканирован штрихкод ({code}); он не принят. Завершите форму (OK или «Отмена»), затем сканируйте снова.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Again</source>
      <translation>Ещё раз</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Amount</source>
      <translation>Сумма</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Can still be refunded: {amount}</source>
      <translation>Можно вернуть ещё: {amount}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Cancel</source>
      <translation>Отмена</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Choose what happened to the payment.</source>
      <translation>Выберите, чем закончился платёж.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Choose what happened…</source>
      <translation>Выберите, чем закончился…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Choose what to refund: how many of a line, or an amount.</source>
      <translation>Укажите, что вернуть: количество по строке или сумму.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Comment</source>
      <translation>Комментарий</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Enter where the money goes.</source>
      <translation>Укажите, куда перевести деньги.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Item</source>
      <translation>Товар</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Manager</source>
      <translation>Менеджер</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Manager PIN</source>
      <translation>PIN менеджера</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Method</source>
      <translation>Способ</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Name</source>
      <translation>Наименование</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>New PIN</source>
      <translation>Новый PIN</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>New manager PIN</source>
      <translation>Новый PIN менеджера</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Not paid out: cancelled</source>
      <translation>Не выплачено: отменено</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Not paid out: declined</source>
      <translation>Не выплачено: отклонено</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Not paid out: expired</source>
      <translation>Не выплачено: истекло</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Not paid: cancelled</source>
      <translation>Не оплачен: отменён</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Not paid: declined</source>
      <translation>Не оплачен: отклонён</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Not paid: expired</source>
      <translation>Не оплачен: истёк срок</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Number</source>
      <translation>Номер</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>OK</source>
      <translation>ОК</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Outcome</source>
      <translation>Итог</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>PIN</source>
      <translation>PIN</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Paid out to the customer</source>
      <translation>Выплачено покупателю</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Payout to the customer</source>
      <translation>Выплата покупателю</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Price</source>
      <translation>Цена</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>QIWI wallet</source>
      <translation>Кошелёк QIWI</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Quantity</source>
      <translation>Количество</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Reason</source>
      <translation>Причина</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Refund</source>
      <translation>Возврат</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Resolve a payment</source>
      <translation>Решение по платежу</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Resolve a payout</source>
      <translation>Решение по выплате</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Return</source>
      <translation>Вернуть</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Return either lines or an amount, not both.</source>
      <translation>Верните либо строки, либо сумму — не то и другое сразу.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Returned</source>
      <translation>Возвращено</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Sale line</source>
      <translation>Строка продажи</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Say what was checked and what it showed (at least {n} characters).</source>
      <translation>Напишите, что проверено и что там видно (не меньше {n} символов).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Sold</source>
      <translation>Продано</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>That is more than can be refunded ({amount}).</source>
      <translation>Это больше, чем можно вернуть ({amount}).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>The customer paid</source>
      <translation>Покупатель оплатил</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>The two PINs differ.</source>
      <translation>PIN-коды не совпадают.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Training mode: the PIN is {pin}.</source>
      <translation>Режим обучения: PIN — {pin}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Unit</source>
      <translation>Ед.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>VAT</source>
      <translation>НДС</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>What was checked, where (e.g. the provider's cabinet), and what it showed</source>
      <translation>Что проверили, где (например, в личном кабинете сервиса) и что там увидели</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>Write the manager's name.</source>
      <translation>Укажите имя менеджера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>YooMoney</source>
      <translation>ЮMoney</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>bank card</source>
      <translation>банковская карта</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>centimetres</source>
      <translation>сантиметры</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>decimetres</source>
      <translation>дециметры</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>grams</source>
      <translation>граммы</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>kilograms</source>
      <translation>килограммы</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>metres</source>
      <translation>метры</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>nickname</source>
      <translation>никнейм</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>no VAT</source>
      <translation>без НДС</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>or an amount:</source>
      <translation>или сумма:</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>phone number</source>
      <translation>номер телефона</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>pieces</source>
      <translation>штуки</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>square centimetres</source>
      <translation>квадратные сантиметры</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>square decimetres</source>
      <translation>квадратные дециметры</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/dialogs.py" />
      <source>tonnes</source>
      <translation>тонны</translation>
    </message>
  </context>
  <context>
    <name>Events</name>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Alert cleared</source>
      <translation>Предупреждение снято</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Cancel accepted, in progress</source>
      <translation>Отмена принята, выполняется</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Cancel done</source>
      <translation>Отмена выполнена</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Cancel refused</source>
      <translation>В отмене отказано</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Cancel refused; the payment is still open</source>
      <translation>В отмене отказано; платёж ещё открыт</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Cancel requested</source>
      <translation>Запрошена отмена</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Cancel sent</source>
      <translation>Отмена отправлена</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Cancelled</source>
      <translation>Отменён</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Cancelled before it was sent</source>
      <translation>Отменён до отправки</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Checked again: no answer</source>
      <translation>Повторная проверка: нет ответа</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Corrected from the provider's answer</source>
      <translation>Исправлено по ответу провайдера</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Draft discarded</source>
      <translation>Черновик отброшен</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Found again after a restart</source>
      <translation>Найден снова после перезапуска</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Handed over to a person</source>
      <translation>Передан человеку</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Head office's release applied</source>
      <translation>Применено обновление от головного офиса</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Head office's release refused</source>
      <translation>Обновление от головного офиса отклонено</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Late update ignored</source>
      <translation>Запоздалое обновление пропущено</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Left by the cashier; watched until the provider ends it</source>
      <translation>Оставлен кассиром; отслеживается, пока провайдер его не завершит</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Needs attention</source>
      <translation>Требует внимания</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>No answer from the provider</source>
      <translation>Нет ответа от провайдера</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Payment created</source>
      <translation>Платёж создан</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Payout destination given again</source>
      <translation>Реквизиты выплаты указаны снова</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Provider answered</source>
      <translation>Провайдер ответил</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Provider's receipt saved</source>
      <translation>Чек провайдера сохранён</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Receipt printed</source>
      <translation>Чек напечатан</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Reconciliation difference resolved</source>
      <translation>Расхождение сверки закрыто</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Refund accepted, in progress</source>
      <translation>Возврат принят, выполняется</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Refund done</source>
      <translation>Возврат выполнен</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Refund refused</source>
      <translation>В возврате отказано</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Refund sent</source>
      <translation>Возврат отправлен</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Refused by the provider</source>
      <translation>Отклонён провайдером</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Resolved by hand</source>
      <translation>Решён вручную</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Sale left by the cashier; still followed</source>
      <translation>Кассир оставил продажу; платёж отслеживается</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Sale recorded</source>
      <translation>Продажа записана</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Sent to the provider</source>
      <translation>Отправлен провайдеру</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Status after the cancel</source>
      <translation>Статус после отмены</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>Status from the provider</source>
      <translation>Статус от провайдера</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>The provider says it was paid</source>
      <translation>Провайдер сообщает, что платёж оплачен</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>being cancelled</source>
      <translation>отменяется</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>being prepared</source>
      <translation>готовится</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>being refunded</source>
      <translation>возвращается</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>being sent</source>
      <translation>отправляется</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>cancelled</source>
      <translation>отменён</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>declined</source>
      <translation>отклонён</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>expired</source>
      <translation>истёк</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>in progress</source>
      <translation>в процессе</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>outcome unknown</source>
      <translation>результат неизвестен</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>paid</source>
      <translation>оплачен</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>partly refunded</source>
      <translation>частично возвращён</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>refunded</source>
      <translation>возвращён</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/events.py" />
      <source>underpaid</source>
      <translation>оплачен не полностью</translation>
    </message>
  </context>
  <context>
    <name>Export</name>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>The export could not be written to {path}: {error}</source>
      <translation>Выгрузку не удалось записать в {path}: {error}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>The export was stopped; no file was written.</source>
      <translation>Выгрузка остановлена; файл не записан.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>The period ends ({last}) before it starts ({first}).</source>
      <translation>Период заканчивается ({last}) раньше, чем начинается ({first}).</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>amount</source>
      <translation>Сумма</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>created</source>
      <translation>Создан</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>currency</source>
      <translation>Валюта</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>kind</source>
      <translation>Вид</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>method</source>
      <translation>Способ</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>order_id</source>
      <translation>Номер заказа</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>payment</source>
      <translation>оплата</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>payment_id</source>
      <translation>ID платежа</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>payout</source>
      <translation>выплата</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>provider</source>
      <translation>Сервис</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>received</source>
      <translation>Получено</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>reference</source>
      <translation>Внешний номер</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>refunded</source>
      <translation>Возвращено</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>sale</source>
      <translation>Продажа</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>shift</source>
      <translation>Смена</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>state</source>
      <translation>Состояние</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>training</source>
      <translation>Учебный</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>transaction</source>
      <translation>Транзакция</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>“{text}” is not a date; write it as YYYY-MM-DD, e.g. 2026-11-26.</source>
      <translation>«{text}» — не дата; пишите в виде ГГГГ-ММ-ДД, например 2026-11-26.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/export.py" />
      <source>“{text}” is outside the years a journal can hold ({first} to {last}).</source>
      <translation>«{text}» вне лет, которые может содержать журнал (с {first} по {last}).</translation>
    </message>
  </context>
  <context>
    <name>HeadOffice</name>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Changed: {keys}.</source>
      <translation>Изменено: {keys}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Configuration</source>
      <translation>Конфигурация</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Configuration version {version} changed settings that take effect after a restart of the application: {keys}.</source>
      <translation>Конфигурация версии {version} изменила настройки, которые вступят в силу после перезапуска приложения: {keys}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Connecting to the head office…</source>
      <translation>Подключение к головному офису…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Events waiting to be sent: {n}.</source>
      <translation>Ждут передачи событий: {n}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Head office: {url}</source>
      <translation>Головной офис: {url}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>New releases are not asked for either, until the terminal is enrolled again and the application restarted.</source>
      <translation>Новые выпуски тоже не запрашиваются, пока кассу не зарегистрируют заново и приложение не перезапустят.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>No head office is set up: this register works on its own.</source>
      <translation>Головной офис не настроен: касса работает самостоятельно.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Payments go on as usual.</source>
      <translation>Платежи принимаются как обычно.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Product catalog</source>
      <translation>Каталог товаров</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Sending is stopped: the head office cannot read what this register sends. Call support.</source>
      <translation>Передача остановлена: головной офис не может прочитать то, что отправляет касса. Обратитесь в поддержку.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Sending is stopped: the head office has more of this journal than this register (was a backup restored?). Call the head office.</source>
      <translation>Передача остановлена: в головном офисе этого журнала больше, чем на кассе (восстановлена резервная копия?). Позвоните в головной офис.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Sending is stopped: the head office refuses this terminal's credential (it was revoked or replaced). To resume, ask the head office to enrol the terminal again (pos-app office enrol) and to give you the new credential; store it on this register with “pos-app config set-secret headoffice.credential” and restart the application.</source>
      <translation>Передача остановлена: головной офис не принимает учётные данные этой кассы (их отозвали или заменили). Чтобы возобновить, попросите головной офис заново зарегистрировать кассу (pos-app office enrol) и сообщить новые учётные данные; сохраните их на кассе командой «pos-app config set-secret headoffice.credential» и перезапустите приложение.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Sending is stopped: the head office says this journal belongs to another terminal. Call the head office.</source>
      <translation>Передача остановлена: головной офис считает, что журнал принадлежит другой кассе. Позвоните в головной офис.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Sending is stopped: this journal differs from what the head office received. Call the head office.</source>
      <translation>Передача остановлена: журнал отличается от полученного головным офисом. Позвоните в головной офис.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Sending the journal: {n} events to go.</source>
      <translation>Передаётся журнал: осталось событий: {n}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>The head office does not answer ({last}). Events wait here and are sent when it answers.</source>
      <translation>Головной офис не отвечает ({last}). События ждут на кассе и будут переданы, когда он ответит.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>The head office does not answer ({last}). {n} events wait here and are sent when it answers.</source>
      <translation>Головной офис не отвечает ({last}). Ждут передачи событий: {n}; они будут переданы, когда он ответит.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>The journal is all sent (last answer at {time}).</source>
      <translation>Журнал передан полностью (последний ответ в {time}).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>This terminal's head-office credential is not stored, so nothing is sent. Store it with: pos-app config set-secret headoffice.credential</source>
      <translation>Учётные данные кассы для головного офиса не сохранены, поэтому ничего не передаётся. Сохраните их командой: pos-app config set-secret headoffice.credential</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>Training mode: nothing is sent to the head office.</source>
      <translation>Учебный режим: в головной офис ничего не передаётся.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>last answer at {time}</source>
      <translation>последний ответ в {time}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>no answer since the start</source>
      <translation>ответа не было с момента запуска</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>{what}: no release from the head office in use yet.</source>
      <translation>{what}: ещё не получено ничего из головного офиса.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>{what}: version {version} has arrived and is applied when the register is free (no sale or payment in progress, Settings closed).</source>
      <translation>{what}: версия {version} получена и будет применена, когда касса освободится (нет продажи и платежа, закрыты Настройки).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>{what}: version {version} was refused by this register's checks and is not used: {problems}</source>
      <translation>{what}: версия {version} не прошла проверки этой кассы и не используется: {problems}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/head_office.py" />
      <source>{what}: version {version}, applied {time}.</source>
      <translation>{what}: версия {version}, применена {time}.</translation>
    </message>
  </context>
  <context>
    <name>History</name>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>All dates</source>
      <translation>Все даты</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Amount</source>
      <translation>Сумма</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Amount, sale, id…</source>
      <translation>Сумма, продажа, ID…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Any provider</source>
      <translation>Любой сервис</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Any state</source>
      <translation>Любое состояние</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Ask the provider again</source>
      <translation>Запросить сервис снова</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Back</source>
      <translation>Назад</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Check with the provider…</source>
      <translation>Сверить с провайдером…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Choose a payment to see its details.</source>
      <translation>Выберите платёж, чтобы увидеть подробности.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Find a payment by its amount (1499 or 1499,50), its sale (S000012), its payment id or the provider's transaction: the start of an id is enough.</source>
      <translation>Найти платёж по сумме (1499 или 1499,50), продаже (S000012), номеру платежа или транзакции провайдера: достаточно начала номера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>In progress or unknown</source>
      <translation>В процессе или неизвестно</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Key: {key}</source>
      <translation>Ключ: {key}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Mark as dealt with</source>
      <translation>Отметить как решённое</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Needs attention</source>
      <translation>Требуют внимания</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Not paid</source>
      <translation>Не оплачено</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Order reference: {reference}</source>
      <translation>Номер заказа кассовой программы: {reference}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Paid</source>
      <translation>Оплачено</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Payment id: {id}</source>
      <translation>Номер платежа: {id}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Payments found: {n}</source>
      <translation>Найдено платежей: {n}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Payments whose outcome is not known, or that a person must look at. Each one is asked about again automatically; resolving one by hand needs the manager PIN and a reason, and is recorded.</source>
      <translation>Платежи с неизвестным итогом или требующие проверки человеком. По каждому сервис опрашивается снова автоматически; решение вручную требует PIN менеджера и причину и записывается в журнал.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Provider</source>
      <translation>Сервис</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Provider: {name}</source>
      <translation>Сервис: {name}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Receipt / reprint</source>
      <translation>Чек / повтор печати</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Refunded</source>
      <translation>Возвращено</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Refunded: {amount}</source>
      <translation>Возвращено: {amount}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Refunds through {provider} are not available on this terminal: return the money as the store's rules say (e.g. in cash).</source>
      <translation>Возвраты через {provider} на этой кассе недоступны: верните деньги по правилам магазина (например, наличными).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Refund…</source>
      <translation>Возврат…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Resolve…</source>
      <translation>Решить…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Returned by payout: {amount}</source>
      <translation>Возвращено выплатой: {amount}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Sale</source>
      <translation>Продажа</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>State</source>
      <translation>Состояние</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>The period ends before it starts: nothing is found.</source>
      <translation>Период кончается раньше, чем начинается: ничего не найдено.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Time</source>
      <translation>Время</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Transaction</source>
      <translation>Транзакция</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>Transaction: {ref}</source>
      <translation>Транзакция: {ref}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/history.py" />
      <source>What happened</source>
      <translation>Что произошло</translation>
    </message>
  </context>
  <context>
    <name>Journal</name>
    <message>
      <location filename="../../pos_app/core/lock.py" />
      <source>Another pos-app process is using the journal {path} (is the cashier window open?). Try again when it has finished.</source>
      <translation>Журнал {path} занят другим процессом pos-app (открыто окно кассира?). Повторите, когда он завершится.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/journal/store.py" />
      <source>Journal error: {error}</source>
      <translation>Ошибка журнала: {error}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/journal/store.py" />
      <source>The disk is full: the journal cannot be written, so no payment can start. Free disk space; everything recorded so far is kept.</source>
      <translation>Диск заполнен: журнал нельзя записать, поэтому платежи не начинаются. Освободите место на диске; всё уже записанное сохранено.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/journal/store.py" />
      <source>The journal file {path} cannot be written ({error}).</source>
      <translation>В файл журнала {path} нельзя записать ({error}).</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/journal/store.py" />
      <source>The journal file {path} is damaged ({error}). It was not changed. Contact support before deleting anything.</source>
      <translation>Файл журнала {path} повреждён ({error}). Он не изменён. Обратитесь в поддержку, прежде чем что-либо удалять.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/journal/store.py" />
      <source>The journal file {path} is empty (0 bytes): the payments it held are not there. It was not changed; contact support before using this till.</source>
      <translation>Файл журнала {path} пуст (0 байт): записанных в нём платежей нет. Он не изменён; обратитесь в поддержку, прежде чем работать на этой кассе.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/lock.py" />
      <source>The journal folder {folder} cannot be used ({error}). Check journal.dir in the configuration.</source>
      <translation>Папку журнала {folder} нельзя использовать ({error}). Проверьте journal.dir в настройках.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/journal/schema.py" />
      <source>The journal was written by a newer version of the app (schema {found}, this version knows {known}). Update the app.</source>
      <translation>Журнал записан более новой версией программы (схема {found}, эта версия знает {known}). Обновите программу.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/journal/rows.py" />
      <source>The journal's {table} row {id} is damaged and cannot be read ({error}). Nothing was changed; contact support.</source>
      <translation>Строка {id} таблицы {table} журнала повреждена и не читается ({error}). Ничего не изменено; обратитесь в поддержку.</translation>
    </message>
  </context>
  <context>
    <name>Koshelek</name>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>A payment already exists for this customer code. Ask the customer to refresh the code in the app.</source>
      <translation>По этому коду покупателя уже есть платёж. Попросите покупателя обновить код в приложении.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>Another refund of this payment is still running. Wait until it finishes.</source>
      <translation>Другой возврат по этому платежу ещё выполняется. Дождитесь его завершения.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>Koshelek Pay accepts only roubles (RUB).</source>
      <translation>Koshelek Pay принимает только рубли (RUB).</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>Koshelek Pay answered and accepted the credentials.</source>
      <translation>Koshelek Pay ответил и принял учётные данные.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>Koshelek Pay cannot do this in the payment's current state. Its status is being checked.</source>
      <translation>Koshelek Pay не может выполнить это в текущем состоянии платежа. Статус проверяется.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>Koshelek Pay does not know this payment. Try again.</source>
      <translation>Koshelek Pay не знает этот платёж. Повторите попытку.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>Koshelek Pay does not know this store. Ask the administrator to check the store id and credentials.</source>
      <translation>Koshelek Pay не знает этот магазин. Попросите администратора проверить id магазина и учётные данные.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/tokens.py" />
      <source>Koshelek Pay is not available for this customer's card (result {result}). Take another payment method.</source>
      <translation>Koshelek Pay недоступен для карты этого покупателя (результат {result}). Выберите другой способ оплаты.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>Koshelek Pay is not available for this customer: {details}</source>
      <translation>Koshelek Pay недоступен для этого покупателя: {details}</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>Koshelek Pay is still processing the payment. Wait.</source>
      <translation>Koshelek Pay ещё обрабатывает платёж. Подождите.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>Koshelek Pay refused the request ({code}).</source>
      <translation>Koshelek Pay отклонил запрос ({code}).</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>Koshelek Pay rejected the request as invalid: {details}</source>
      <translation>Koshelek Pay счёл запрос некорректным: {details}</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/tokens.py" />
      <source>The Koshelek signing module did not produce a token ({reason}). Ask the administrator to check it.</source>
      <translation>Модуль подписи Koshelek не выдал токен ({reason}). Попросите администратора проверить его.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The amount is below the Koshelek Pay minimum (4 roubles).</source>
      <translation>Сумма меньше минимальной для Koshelek Pay (4 рубля).</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The bank cancelled the refund. Try again later or handle the refund manually.</source>
      <translation>Банк отменил возврат. Повторите позже или оформите возврат вручную.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The bank or payment provider reported an error. Try again.</source>
      <translation>Банк или платёжный сервис сообщил об ошибке. Повторите попытку.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/tokens.py" />
      <source>The code on the customer's phone has expired. Ask them to refresh it and scan again.</source>
      <translation>Срок кода на телефоне покупателя истёк. Попросите обновить его и отсканируйте снова.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The customer cancelled the payment.</source>
      <translation>Покупатель отменил оплату.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The customer has no active Faster Payments link in the app. Take another payment method.</source>
      <translation>У покупателя в приложении нет активной привязки СБП. Выберите другой способ оплаты.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The customer's bank declined the payment.</source>
      <translation>Банк покупателя отклонил платёж.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The customer's code is not valid any more. Ask the customer to refresh it and scan again.</source>
      <translation>Код покупателя больше не действует. Попросите обновить его и отсканируйте снова.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The customer's limit is not enough for this purchase.</source>
      <translation>Лимита покупателя не хватает для этой покупки.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The payment provider could not find the order. Try again.</source>
      <translation>Платёжный сервис не нашёл заказ. Повторите попытку.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The payment provider reported an unexpected amount left; refund manually.</source>
      <translation>Платёжный сервис сообщил неожиданный остаток; оформите возврат вручную.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The payment was cancelled, declined or already fully refunded.</source>
      <translation>Платёж отменён, отклонён или уже полностью возвращён.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The payment was not completed, so there is nothing to refund.</source>
      <translation>Платёж не завершён, возвращать нечего.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The quantity {quantity} of “{name}” cannot be sent to Koshelek Pay (at most one digit after the point).</source>
      <translation>Количество {quantity} товара «{name}» нельзя передать в Koshelek Pay (не больше одного знака после запятой).</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>The refund is larger than what is left to refund.</source>
      <translation>Возврат больше, чем осталось вернуть.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/messages.py" />
      <source>This customer code was already used for a completed payment. Ask the customer to refresh the code.</source>
      <translation>Этот код покупателя уже использован для завершённого платежа. Попросите покупателя обновить код.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/tokens.py" />
      <source>This is not a Koshelek customer code. Scan the code shown in the customer's Koshelek app.</source>
      <translation>Это не код покупателя Koshelek. Отсканируйте код из приложения Koshelek покупателя.</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>A payment of {amount} by {provider}, begun before the app was closed, has been paid. Do not take it again: it is in the history.</source>
      <translation>Платёж на {amount} через {provider}, начатый до закрытия программы, оплачен. Не принимайте его ещё раз: он есть в истории.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>A payment of {amount} by {provider}, begun before the app was closed, was not paid. {state} Take it again if the customer still wants to pay.</source>
      <translation>Платёж на {amount} через {provider}, начатый до закрытия программы, не оплачен. {state} Примите его заново, если покупатель всё ещё хочет заплатить.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>A refund needs the manager PIN.</source>
      <translation>Для возврата нужен PIN менеджера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>All of this payment was returned by payouts already; see them in the history.</source>
      <translation>Вся сумма этого платежа уже возвращена выплатами; они видны в истории.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/checkout.py" />
      <source>Asking {provider} again…</source>
      <translation>Снова спрашиваем {provider}…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Asking {provider}…</source>
      <translation>Запрос в {provider}…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Cashier</source>
      <translation>Касса</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Check with the provider</source>
      <translation>Сверка с провайдером</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Clearing an alert needs the manager PIN.</source>
      <translation>Чтобы снять предупреждение, нужен PIN менеджера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Exit</source>
      <translation>Выход</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>History</source>
      <translation>История</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Leaving the kiosk needs the manager PIN.</source>
      <translation>Для выхода из режима киоска нужен PIN менеджера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Mark as dealt with</source>
      <translation>Отметить как решённое</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Needs attention ({n})</source>
      <translation>Требуют внимания ({n})</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Needs attention (…)</source>
      <translation>Требуют внимания (…)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>No shift</source>
      <translation>Нет смены</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/checkout.py" />
      <source>Not paid yet: {amount} added to the basket after this link was made. Those goods stay in the basket, to be paid next.</source>
      <translation>Ещё не оплачено: {amount} добавлено в корзину после того, как была выдана эта ссылка. Эти товары остаются в корзине и оплачиваются следующими.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Open a shift before the first sale.</source>
      <translation>Перед первой продажей откройте смену.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Paid out {amount}.</source>
      <translation>Выплачено {amount}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Pay out {amount} to {method} {number} as a return of sale {sale}?</source>
      <translation>Выплатить {amount} ({method} {number}) в возврат продажи {sale}?</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Record the payout of {amount} by {provider} as not made? If it did go out, the same amount can be paid out again: twice. Do this only after checking with the provider.</source>
      <translation>Записать выплату {amount} через {provider} как несостоявшуюся? Если она всё же ушла, ту же сумму можно будет выплатить снова — дважды. Делайте это только после проверки у провайдера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Record {amount} by {provider} as not paid? If the customer did pay, the sale can be paid again and they pay twice. Do this only after checking with the provider.</source>
      <translation>Записать {amount} через {provider} как не оплаченный? Если покупатель всё же заплатил, продажу можно будет оплатить снова, и он заплатит дважды. Делайте это только после проверки у провайдера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Record {amount} by {provider} as paid? The customer gets the goods for it: do this only when the provider shows the money arrived.</source>
      <translation>Записать {amount} через {provider} как оплаченный? Покупатель получит за него товар: делайте это, только если платёжный сервис показывает, что деньги пришли.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Refunded {amount}. Print the receipt with the refund for the customer?</source>
      <translation>Возвращено {amount}. Напечатать чек с возвратом для покупателя?</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Resolving a payment by hand needs the manager PIN.</source>
      <translation>Для решения по платежу вручную нужен PIN менеджера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Return {amount} to the customer through {provider} (sale {sale}, paid {paid})?</source>
      <translation>Вернуть покупателю {amount} через {provider} (продажа {sale}, оплачено {paid})?</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Sale {sale}: {amount} by {provider}.</source>
      <translation>Продажа {sale}: {amount} через {provider}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Say what was done about it (at least {n} characters).</source>
      <translation>Напишите, что было сделано (не меньше {n} символов).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Settings</source>
      <translation>Настройки</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Settings need the manager PIN.</source>
      <translation>Для настроек нужен PIN менеджера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Shift {number}</source>
      <translation>Смена {number}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Shift {number}: over 24 h</source>
      <translation>Смена {number}: более 24 ч</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Shift …</source>
      <translation>Смена …</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Still in progress:
{payments}

If you close the app now, these stay in the journal and are checked again at the next start; a payment made meanwhile is found then. Close anyway?</source>
      <translation>Ещё не завершено:
{payments}

Если закрыть программу сейчас, эти платежи останутся в журнале и будут проверены при следующем запуске; оплата, сделанная за это время, тогда и обнаружится. Всё равно закрыть?</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/checkout.py" />
      <source>Still in the basket, not paid: {amount} added after the payment of sale {sale} started.</source>
      <translation>В корзине осталось неоплаченное: {amount}, добавленное после начала оплаты продажи {sale}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Still open from before the app was closed: a payment of {amount} by {provider}. The customer may still pay it: do not take it again until it ends.</source>
      <translation>Не завершён с прошлого запуска программы: платёж на {amount} через {provider}. Покупатель ещё может его оплатить: не принимайте оплату заново, пока он не завершится.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>Store</source>
      <translation>Магазин</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>TRAINING</source>
      <translation>ОБУЧЕНИЕ</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>TRAINING — NOT REAL MONEY</source>
      <translation>ОБУЧЕНИЕ — НЕ НАСТОЯЩИЕ ДЕНЬГИ</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>The configuration file {path} has problems and was not used: these settings are the built-in ones. Settings says what is wrong.</source>
      <translation>Файл настроек {path} содержит ошибки и не использован: действуют встроенные настройки. Что в нём не так, сказано в «Настройках».</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>The customer display is on, but this till has one screen. Connect a second screen: the display opens there once the app starts again.</source>
      <translation>Экран покупателя включён, но у этой кассы один экран. Подключите второй экран: экран покупателя откроется на нём при следующем запуске программы.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/checkout.py" />
      <source>The customer paid {amount} for goods taken out of the basket after this link was made: give them those goods too, or give back {amount} (Needs attention records which).</source>
      <translation>Покупатель оплатил {amount} за товары, убранные из корзины после того, как была выдана эта ссылка: выдайте ему и эти товары или верните {amount} (что сделано — записывается в «Требуют внимания»).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/checkout.py" />
      <source>The payment could not be started because of an error in the app. Nothing was sent to the provider. Try again, or take another way to pay.</source>
      <translation>Платёж не удалось начать из-за ошибки в программе. Сервису ничего не отправлено. Попробуйте ещё раз или выберите другой способ оплаты.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>The payout failed: {reason}</source>
      <translation>Выплата не прошла: {reason}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>The payout is sent; its result will show in the history.</source>
      <translation>Выплата отправлена; результат появится в истории.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>The product catalog has no product to use (problems: {n}); products are added by amount. The first: {problem}</source>
      <translation>В каталоге товаров нет ни одного годного товара (ошибок: {n}); товары добавляются суммой. Первая ошибка: {problem}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>The product catalog has problems ({n}); its good lines are used. The first: {problem}</source>
      <translation>В каталоге товаров есть ошибки ({n}); его верные строки используются. Первая: {problem}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>The refund is sent; its result will show in the history.</source>
      <translation>Возврат отправлен; результат появится в истории.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>The refund was refused: {reason}</source>
      <translation>В возврате отказано: {reason}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>The sale being built ({amount}) is not paid and is lost if you close the app. Close anyway?</source>
      <translation>Набранная продажа ({amount}) не оплачена и пропадёт, если закрыть приложение. Всё равно закрыть?</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/checkout.py" />
      <source>The {provider} link for {amount} left for this customer can still be paid until {time}: tell them not to pay it (if they do, an alert says to give it back).</source>
      <translation>Ссылка {provider} на {amount}, оставленная этому покупателю, ещё может быть оплачена до {time}: попросите не оплачивать её (если оплатит, предупреждение скажет вернуть деньги).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>This payment is settled already ({state}); there is nothing to resolve.</source>
      <translation>Этот платёж уже завершён ({state}); решать нечего.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Waiting for the payout…</source>
      <translation>Ожидание выплаты…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Waiting for {provider} to confirm the refund…</source>
      <translation>Ожидание подтверждения возврата от {provider}…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>What was done (e.g. the money returned in cash, the goods given)</source>
      <translation>Что сделано (например, деньги возвращены наличными, товар выдан)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>Why (e.g. the customer shows the payment in their bank)</source>
      <translation>Почему (например, покупатель показывает платёж в своём банке)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/main_window.py" />
      <source>terminal {terminal}</source>
      <translation>терминал {terminal}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/checkout.py" />
      <source>the cashier</source>
      <translation>кассир</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>{amount} by {provider} is recorded as {state}. {provider} is asked now; if it says the customer paid, the payment becomes paid here, and can be refunded.</source>
      <translation>{amount} через {provider} записан как «{state}». Сейчас будет запрос в {provider}; если там платёж оплачен, он станет оплаченным и здесь, и его можно будет вернуть.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>{amount}, {provider}, now: {state}</source>
      <translation>{amount}, {provider}, сейчас: {state}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/operations.py" />
      <source>{provider} says the customer paid: the payment is now {state}. Give the goods, or {advice}</source>
      <translation>{provider} сообщает, что покупатель заплатил: теперь платёж — {state}. Выдайте товар или {advice}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/checkout.py" />
      <source>{warning}

Take a payment for the new sale anyway?</source>
      <translation>{warning}

Всё равно принять оплату новой продажи?</translation>
    </message>
  </context>
  <context>
    <name>Paymega</name>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>A card or account limit was reached.</source>
      <translation>Достигнут лимит карты или счёта.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>Not enough money on the card.</source>
      <translation>На карте недостаточно средств.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>Paymega already has an invoice for this payment; it is used instead.</source>
      <translation>У Paymega уже есть счёт для этого платежа; используется он.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>Paymega answered: {n} payment services available.</source>
      <translation>Paymega ответил: доступно способов оплаты — {n}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>Paymega did not accept the request (HTTP {status}: {details}). The result is being checked.</source>
      <translation>Paymega не принял запрос (HTTP {status}: {details}). Результат проверяется.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>Paymega does not know this invoice.</source>
      <translation>Paymega не знает этот счёт.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>Paymega does not offer the service “{service}” on this account. Services it offers: {offered}.</source>
      <translation>Paymega не предлагает услугу «{service}» для этого счёта. Доступные услуги: {offered}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>Paymega refused the request: {details}</source>
      <translation>Paymega отклонил запрос: {details}</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>Paymega's public API cannot look invoices up by reference; the private API credentials are needed to learn this payment's outcome.</source>
      <translation>Публичный API Paymega не ищет счета по номеру заказа; чтобы узнать итог платежа, нужны учётные данные закрытого API.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The card has expired.</source>
      <translation>Срок действия карты истёк.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The card is reported lost or stolen.</source>
      <translation>Карта заявлена как утерянная или украденная.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The card number is not valid.</source>
      <translation>Неверный номер карты.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The card was declined.</source>
      <translation>Карта отклонена.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The card's bank declined the payment.</source>
      <translation>Банк карты отклонил платёж.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The card's security code was wrong.</source>
      <translation>Неверный код безопасности карты.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The customer closed the payment page without paying.</source>
      <translation>Покупатель закрыл страницу оплаты, не заплатив.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The customer did not finish the 3-D Secure check.</source>
      <translation>Покупатель не прошёл проверку 3-D Secure.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The customer did not pay before the invoice expired.</source>
      <translation>Покупатель не оплатил счёт до истечения срока.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The payment did not go through ({resolution}).</source>
      <translation>Оплата не прошла ({resolution}).</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The payment was charged back by the customer's bank.</source>
      <translation>Банк покупателя оспорил платёж (чарджбэк).</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>The payment was stopped by fraud protection.</source>
      <translation>Платёж остановлен антифрод-защитой.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/messages.py" />
      <source>This Paymega invoice cannot be shown as a QR code (its payment page needs a form). Take another payment method.</source>
      <translation>Этот счёт Paymega нельзя показать QR-кодом (его страница оплаты требует формы). Выберите другой способ оплаты.</translation>
    </message>
  </context>
  <context>
    <name>Payment</name>
    <message>
      <location filename="../../pos_app/ui/alert_bar.py" />
      <source>+{n} more</source>
      <translation>ещё {n}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>A payment can only be resolved as paid, declined, cancelled or expired.</source>
      <translation>Решение по платежу может быть только: оплачен, отклонён, отменён или истёк.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/driver.py" />
      <source>A refund is recorded without its details; check the payment with the provider.</source>
      <translation>Возврат записан без подробностей; проверьте платёж в сервисе.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>A refund of this payment is under way: {provider} is asked about it again automatically, and its result is recorded when it answers. The payment itself is settled: nothing to resolve.</source>
      <translation>По этому платежу идёт возврат: {provider} опрашивается автоматически, результат будет записан, когда придёт ответ. Сам платёж завершён: решать нечего.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>An internal error stopped the handling of this payment. It is kept in the journal and will be checked again on the next start.</source>
      <translation>Внутренняя ошибка остановила обработку платежа. Он сохранён в журнале и будет проверен снова при следующем запуске.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Another way to pay</source>
      <translation>Другой способ оплаты</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/plugin.py" />
      <source>Apple Pay</source>
      <translation>Apple Pay</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Ask the customer to open the Koshelek app and show the payment code, then scan it.</source>
      <translation>Попросите покупателя открыть приложение Koshelek и показать код оплаты, затем отсканируйте его.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Ask the customer to scan the QR code and pay on their phone.</source>
      <translation>Попросите покупателя отсканировать QR-код и оплатить на телефоне.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Ask the customer to transfer exactly this amount to:</source>
      <translation>Попросите покупателя перевести ровно эту сумму на:</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>At most {left} can be returned for this payment: that is what was paid.</source>
      <translation>По этому платежу можно вернуть не больше {left}: столько было оплачено.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>At most {left} can be returned for this payment: {paid} was paid, {returned} returned by payouts already.</source>
      <translation>По этому платежу можно вернуть не больше {left}: оплачено {paid}, выплатами уже возвращено {returned}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Back</source>
      <translation>Назад</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Back to the sale</source>
      <translation>Вернуться к продаже</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Cancel payment</source>
      <translation>Отменить оплату</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Cancelled</source>
      <translation>Отменён</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>Cancelled by the cashier.</source>
      <translation>Отменён кассиром.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>Cancelled.</source>
      <translation>Отменён.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>Cancelling…</source>
      <translation>Отмена…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Check again</source>
      <translation>Проверить снова</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Copy link</source>
      <translation>Копировать ссылку</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>Corrected by {actor} from the provider's answer: {reason}</source>
      <translation>Исправлено по ответу провайдера ({actor}): {reason}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>Correcting a payment needs a reason and who decided.</source>
      <translation>Для исправления платежа нужны причина и имя того, кто решил.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Creating the payment…</source>
      <translation>Создание платежа…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Declined</source>
      <translation>Отклонён</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>Declined.</source>
      <translation>Отклонён.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/alert_bar.py" />
      <source>Dismiss</source>
      <translation>Скрыть</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/plugin.py" />
      <source>Dolyame</source>
      <translation>Долями</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Expired</source>
      <translation>Истёк</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>Expired: the customer did not pay in time.</source>
      <translation>Истёк: покупатель не оплатил вовремя.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Give the customer the goods and the receipt.</source>
      <translation>Выдайте покупателю товар и чек.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/plugin.py" />
      <source>Google Pay</source>
      <translation>Google Pay</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>How does the customer pay?</source>
      <translation>Как платит покупатель?</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>Late payment: the customer paid {amount} after the cashier left the payment. Complete the sale (give the goods), or {advice}</source>
      <translation>Поздняя оплата: покупатель оплатил {amount} после того, как кассир оставил платёж. Завершите продажу (выдайте товар) или {advice}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Left to expire</source>
      <translation>Оставлен до истечения</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/plugin.py" />
      <source>Link: QIWI (needs a phone)</source>
      <translation>Ссылка: QIWI (нужен телефон)</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/plugin.py" />
      <source>Link: YooMoney</source>
      <translation>Ссылка: ЮMoney</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/plugin.py" />
      <source>Link: bank card</source>
      <translation>Ссылка: банковская карта</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/plugin.py" />
      <source>Link: card or wallet</source>
      <translation>Ссылка: карта или кошелёк</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>New sale</source>
      <translation>Новая продажа</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>No answer from the provider. The result is being checked.</source>
      <translation>Сервис не ответил. Результат проверяется.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>No final answer within {seconds} seconds; the payment was cancelled.</source>
      <translation>Нет окончательного ответа за {seconds} с; платёж отменён.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Not for this amount: from {limit}.</source>
      <translation>Не для этой суммы: от {limit}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Not for this amount: up to {limit}.</source>
      <translation>Не для этой суммы: до {limit}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>Not known there: {provider} does not know the payment of {amount} begun {time}. Check it in the provider's cabinet, then record in History what happened to it (Resolve…).</source>
      <translation>Неизвестен там: {provider} не знает платёж на {amount}, начатый {time}. Проверьте его в кабинете провайдера, затем отметьте в Истории, чем он закончился («Решить…»).</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>Only a paid payment can be refunded; this one is {state}.</source>
      <translation>Вернуть можно только оплаченный платёж; этот — {state}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>Only a payment recorded as not paid can be corrected this way; this one is {state}.</source>
      <translation>Так можно исправить только платёж, записанный как не оплаченный; этот — «{state}».</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/rules.py" />
      <source>Only {left} can still be refunded.</source>
      <translation>Вернуть можно только {left}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Paid</source>
      <translation>Оплачено</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>Paid after its shift was closed: {amount} counts in no Z report. Give the goods and note it for the records, or {advice}</source>
      <translation>Оплачено после закрытия смены: {amount} не входит ни в один Z-отчёт. Выдайте товар и отметьте это для учёта или {advice}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>Paid for goods taken out: the customer paid {amount} for goods taken out of the basket after their link was made. Give them those goods, or give back {amount} (a partial refund where the provider allows it, else as the store's rules say). Then mark the payment as dealt with, saying which.</source>
      <translation>Оплачены убранные товары: покупатель оплатил {amount} за товары, убранные из корзины после того, как была выдана его ссылка. Выдайте ему эти товары или верните {amount} (частичным возвратом, если провайдер это позволяет, иначе по правилам магазина). Затем отметьте платёж как решённый и напишите, что сделано.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>Paid twice: the customer paid {amount} by {provider} for sale {sale}, and {other} by {other_provider} for sale {other_sale}, the same basket before or after a change. Give nothing more for it; these {amount} are the money to give back — {advice}</source>
      <translation>Оплачено дважды: покупатель заплатил {amount} через {provider} за продажу {sale} и {other} через {other_provider} за продажу {other_sale} — это одна корзина до или после изменения. Больше ничего за это не выдавайте; вернуть нужно именно эти {amount} — {advice}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>Paid twice: the customer paid {amount} by {provider} for sale {sale}, which was paid already ({other} by {other_provider}). Give nothing more for it; these {amount} are the money to give back — {advice}</source>
      <translation>Оплачено дважды: покупатель заплатил {amount} через {provider} за продажу {sale}, которая уже была оплачена ({other} через {other_provider}). Больше ничего за это не выдавайте; вернуть нужно именно эти {amount} — {advice}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>Paid.</source>
      <translation>Оплачено.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>Partly refunded.</source>
      <translation>Частично возвращён.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>Payout</source>
      <translation>Выплата</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/plugin.py" />
      <source>Payout to a QIWI nickname</source>
      <translation>Выплата на ник QIWI</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/plugin.py" />
      <source>Payout to a bank card</source>
      <translation>Выплата на банковскую карту</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/plugin.py" />
      <source>Payout to a phone</source>
      <translation>Выплата на номер телефона</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/widgets.py" />
      <source>Phone, +79991234567</source>
      <translation>Телефон, +79991234567</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>Preparing the payment…</source>
      <translation>Подготовка платежа…</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/plugin.py" />
      <source>QIWI wallet</source>
      <translation>кошелёк QIWI</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Receipt</source>
      <translation>Чек</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>Reference {reference}: payment {id} ended {state} here, but the provider says it was paid. It is not charged again; a person must check it.</source>
      <translation>Ссылка {reference}: платёж {id} здесь завершён как {state}, но платёжный сервис сообщает, что он оплачен. Повторно деньги не списываются; платёж должен проверить человек.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>Refund</source>
      <translation>Возврат</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>Refunded.</source>
      <translation>Возвращён.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>Refunding…</source>
      <translation>Возврат…</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>Resolved by {actor}: {reason}</source>
      <translation>Решение принял(а) {actor}: {reason}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>Resolving a payment needs a reason and who decided.</source>
      <translation>Для решения по платежу нужны причина и имя того, кто решил.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Result not known yet</source>
      <translation>Результат пока неизвестен</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/plugin.py" />
      <source>SBP</source>
      <translation>СБП</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>Sale {label}</source>
      <translation>Продажа {label}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>Sale {number} is paid already.</source>
      <translation>Продажа {number} уже оплачена.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>Say what was done about it, and who did it.</source>
      <translation>Напишите, что сделано и кто это сделал.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Scan the code or type it and press Enter</source>
      <translation>Отсканируйте код или введите его и нажмите Enter</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>Sending the payment…</source>
      <translation>Отправка платежа…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/alert_bar.py" />
      <source>Show</source>
      <translation>Показать</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Stop waiting…</source>
      <translation>Перестать ждать…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>The customer confirms the payment in the Koshelek app.</source>
      <translation>Покупатель подтверждает оплату в приложении Koshelek.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>The customer may still pay the link; if they do, you will see an alert.</source>
      <translation>Покупатель ещё может оплатить по ссылке; если оплатит, вы увидите предупреждение.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>The customer paid only {paid} of {amount}. Return the {paid} as the store's rules say (e.g. in cash), resolve this payment as not paid, then take the whole sale again.</source>
      <translation>Покупатель оплатил только {paid} из {amount}. Верните {paid} по правилам магазина (например, наличными), решите этот платёж как неоплаченный, затем примите оплату всей продажи заново.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>The customer paid {paid} of sale {number} already, by {provider}: return it and resolve that payment before taking another.</source>
      <translation>Покупатель уже оплатил {paid} продажи {number} через {provider}: верните эти деньги и решите тот платёж, прежде чем принимать новый.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/provider.py" />
      <source>The customer scans a QR code and pays on their phone.</source>
      <translation>Покупатель сканирует QR-код и платит на телефоне.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/provider.py" />
      <source>The customer scans a QR code or pays to a number.</source>
      <translation>Покупатель сканирует QR-код или платит по номеру.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/provider.py" />
      <source>The customer shows the code in the Koshelek app; you scan it.</source>
      <translation>Покупатель показывает код в приложении Koshelek; вы его сканируете.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>The last payment for sale {number} is not settled yet ({state}). Check it again, or have the manager resolve it, before taking another: the customer could pay twice.</source>
      <translation>Последний платёж по продаже {number} ещё не завершён ({state}). Проверьте его ещё раз или попросите менеджера решить его, прежде чем принимать новый: покупатель может заплатить дважды.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/widgets.py" />
      <source>The payer's phone for the QIWI link, e.g. +79991234567</source>
      <translation>Телефон плательщика для ссылки QIWI, например +79991234567</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>The payment changed meanwhile: it is now {state}.</source>
      <translation>Платёж тем временем изменился: сейчас он «{state}».</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>The payment changed while you decided: it is now {state}. Look at it again.</source>
      <translation>Пока вы решали, платёж изменился: теперь он «{state}». Посмотрите на него ещё раз.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>The payment is kept and checked again automatically. Do not take another payment for this sale until it is settled.</source>
      <translation>Платёж сохранён и проверяется автоматически. Не принимайте другую оплату за эту продажу, пока он не решится.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>The payment link was lost in a failure, so the payment is cancelled and cannot be paid twice. Start it again.</source>
      <translation>Ссылка на оплату потеряна из-за сбоя, поэтому платёж отменён и не может быть оплачен дважды. Начните оплату заново.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/recorder.py" />
      <source>The payment method “{name}” is not enabled on this terminal.</source>
      <translation>Способ оплаты «{name}» не включён на этом терминале.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>The payment of {amount} by {provider} for sale {sale} is not settled yet ({state}): the customer may have paid it. Taking another payment may charge them twice; if the first one turns out paid, an alert will say to return it.</source>
      <translation>Платёж {amount} через {provider} за продажу {sale} ещё не завершён ({state}): покупатель, возможно, уже заплатил. Новая оплата может списать деньги дважды; если первый платёж окажется оплаченным, появится предупреждение вернуть деньги.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>The reference {reference} is already used by refund {id} of payment {payment}.</source>
      <translation>Ссылка {reference} уже использована возвратом {id} платежа {payment}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>The reference {reference} is already used by sale {number}: {what} of {amount}.</source>
      <translation>Ссылка {reference} уже использована продажей {number}: {what} на {amount}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>The sale was completed with it at the till.</source>
      <translation>Продажа завершена этой оплатой на кассе.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>The terminal is shutting down.</source>
      <translation>Терминал завершает работу.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>There is no payment {id}.</source>
      <translation>Платежа {id} нет.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>This customer's link can still be paid: no second one.</source>
      <translation>Ссылку этого покупателя ещё можно оплатить: вторая не создаётся.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>This payment is not settled ({state}): resolve it instead.</source>
      <translation>Этот платёж не завершён ({state}): решите его итог вместо этого.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>This payment is still in progress at {provider}: the customer may still pay. Cancel it, or wait for its result.</source>
      <translation>Платёж ещё идёт в {provider}: покупатель может успеть оплатить. Отмените его или дождитесь результата.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>This payment is {state} already; it cannot be resolved as {outcome}.</source>
      <translation>Платёж уже в состоянии «{state}»; отметить его как «{outcome}» нельзя.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>This payout was made to {method} {number}; give that destination to finish it.</source>
      <translation>Эта выплата сделана на {method} {number}; укажите эти реквизиты, чтобы её завершить.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>This refund is not done: it has no receipt.</source>
      <translation>Этот возврат не завершён: чека у него нет.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Training: customer pays</source>
      <translation>Обучение: оплата</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Training: customer refuses</source>
      <translation>Обучение: отказ</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Training: customer shows a code</source>
      <translation>Обучение: код покупателя</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/plugin.py" />
      <source>Transfer to a card number</source>
      <translation>Перевод на номер карты</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/plugin.py" />
      <source>Transfer to a wallet number</source>
      <translation>Перевод на номер кошелька</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Try again</source>
      <translation>Повторить</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>Try again, or take another way to pay.</source>
      <translation>Повторите или выберите другой способ оплаты.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/states.py" />
      <source>Waiting for the customer…</source>
      <translation>Ожидание покупателя…</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>a payment</source>
      <translation>платёж</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>a payout</source>
      <translation>выплата</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/plugin.py" />
      <source>bank card</source>
      <translation>банковская карта</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>refund it: History → the payment → Refund.</source>
      <translation>сделайте возврат: История → платёж → Возврат.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>return it by a payout: History → the payment → Refund.</source>
      <translation>верните деньги выплатой: История → платёж → Возврат.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>return the money as the store's rules say (e.g. in cash): refunds through {provider} are not available on this terminal. Then mark the payment as dealt with.</source>
      <translation>верните деньги по правилам магазина (например, наличными): возвраты через {provider} на этой кассе недоступны. Затем нажмите у платежа «Отметить как решённое».</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/rules.py" />
      <source>{provider} can only refund the whole payment.</source>
      <translation>{provider} возвращает только весь платёж целиком.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>{provider} cannot be asked about this payment without its transaction id: check it in the provider's cabinet.</source>
      <translation>О платеже без номера транзакции {provider} спросить нельзя: проверьте его в кабинете провайдера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/payment.py" />
      <source>{provider} cannot cancel a payment: the link stays payable until {time}. If the customer pays it later, you will see an alert, and that money must be returned. Stop waiting for this payment?</source>
      <translation>{provider} не умеет отменять платежи: по ссылке можно заплатить до {time}. Если покупатель оплатит позже, появится предупреждение, и эти деньги нужно будет вернуть. Перестать ждать этот платёж?</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>{provider} could not be asked: {why}</source>
      <translation>Не удалось запросить {provider}: {why}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>{provider} does not know this payment: nothing to correct.</source>
      <translation>{provider} не знает этот платёж: исправлять нечего.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>{provider} does not make payouts.</source>
      <translation>{provider} не делает выплат.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>{provider} does not report a balance.</source>
      <translation>{provider} не сообщает баланс.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>{provider} does not support refunds from the register.</source>
      <translation>{provider} не поддерживает возвраты с кассы.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/recorder.py" />
      <source>{provider} issues no receipt files.</source>
      <translation>{provider} не выдаёт файлы чеков.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/rules.py" />
      <source>{provider} refunds amounts, not items.</source>
      <translation>{provider} возвращает суммы, а не товары.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>{provider} reports this payment as paid, but it was recorded as {state} here. Do not take the money again: give the goods (History → the payment → Check with the provider… records it as paid), or return it.</source>
      <translation>{provider} сообщает, что этот платёж оплачен, хотя здесь он записан как «{state}». Не берите деньги повторно: выдайте товар (История → платёж → «Сверить с провайдером…» запишет его как оплаченный) или верните деньги.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/service.py" />
      <source>{provider} says this payment is {state}: nothing to correct.</source>
      <translation>{provider} сообщает, что платёж «{state}»: исправлять нечего.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/payments/messages.py" />
      <source>{provider} still reports the payment as in progress after it expired.</source>
      <translation>{provider} всё ещё сообщает, что платёж в процессе, хотя его срок истёк.</translation>
    </message>
  </context>
  <context>
    <name>Pegas</name>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>A payout cannot be cancelled from the register.</source>
      <translation>Выплату нельзя отменить с кассы.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Cancelled.</source>
      <translation>Отменён.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Pegas-kassa already has this order id; its outcome is being checked.</source>
      <translation>У Pegas-kassa уже есть заказ с этим номером; его итог проверяется.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Pegas-kassa answered: the balance is {balance} RUB.</source>
      <translation>Pegas-kassa ответила: баланс {balance} RUB.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Pegas-kassa cannot cancel it any more; the customer probably paid.</source>
      <translation>Pegas-kassa уже не может отменить его; вероятно, покупатель оплатил.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Pegas-kassa does not allow this for the site (is the deposit type enabled in the cabinet?).</source>
      <translation>Pegas-kassa не разрешает это для сайта (включён ли тип пополнения в личном кабинете?).</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Pegas-kassa does not know this transaction.</source>
      <translation>Pegas-kassa не знает эту транзакцию.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Pegas-kassa has this order ({order}) but gave no id, so it cannot be checked or cancelled here. Check it in the Pegas-kassa cabinet.</source>
      <translation>У Pegas-kassa есть этот заказ ({order}), но без id, поэтому здесь его нельзя проверить или отменить. Проверьте его в личном кабинете Pegas-kassa.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Pegas-kassa offers no way to check this payment; confirm it in the cabinet.</source>
      <translation>Pegas-kassa не даёт способа проверить этот платёж; подтвердите его в личном кабинете.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Pegas-kassa refused the request: {details}</source>
      <translation>Pegas-kassa отклонила запрос: {details}</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Pegas-kassa refused “{path}”: {details}</source>
      <translation>Pegas-kassa отклонила «{path}»: {details}</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>The comment must be 3 to 100 characters long.</source>
      <translation>Комментарий должен быть длиной от 3 до 100 символов.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>The customer did not pay in time.</source>
      <translation>Покупатель не оплатил вовремя.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>The payment did not go through.</source>
      <translation>Оплата не прошла.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>The payment link was lost in a failure, so the payment was cancelled and cannot be paid twice. Start it again.</source>
      <translation>Ссылка на оплату потеряна из-за сбоя, поэтому платёж отменён и не может быть оплачен дважды. Начните оплату заново.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>The payment method refused the request ({details}). Try another deposit type or try again later.</source>
      <translation>Способ оплаты отклонил запрос ({details}). Выберите другой тип пополнения или повторите позже.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>The receipt is not ready yet; try again in a moment.</source>
      <translation>Чек ещё не готов; повторите через минуту.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>This deposit type needs the payer's phone number, e.g. +79991234567.</source>
      <translation>Для этого типа пополнения нужен телефон плательщика, например +79991234567.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>This payout has not reached Pegas-kassa, and its destination is not kept after a restart. Repeat it with the same reference (it is sent once, with the same order id), or resolve it as not paid.</source>
      <translation>Эта выплата не дошла до Pegas-kassa, а её реквизиты после перезапуска не хранятся. Повторите её с той же ссылкой (она будет отправлена один раз, с тем же номером заказа) или решите её как неоплаченную.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Unknown deposit type “{type}”.</source>
      <translation>Неизвестный тип пополнения «{type}».</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>Unknown payout method “{method}”; use wallet, yandex, card, nickname or phone.</source>
      <translation>Неизвестный способ выплаты «{method}»; используйте wallet, yandex, card, nickname или phone.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>a QIWI nickname</source>
      <translation>ник QIWI</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>a QIWI wallet number</source>
      <translation>номер кошелька QIWI</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>a YooMoney wallet number</source>
      <translation>номер кошелька ЮMoney</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>a bank card number</source>
      <translation>номер банковской карты</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>a phone number</source>
      <translation>номер телефона</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/messages.py" />
      <source>“{number}” cannot take a payout: it needs {what}.</source>
      <translation>«{number}» не подходит для выплаты: нужен {what}.</translation>
    </message>
  </context>
  <context>
    <name>Pin</name>
    <message>
      <location filename="../../pos_app/core/pin.py" />
      <source>Enter the PIN.</source>
      <translation>Введите PIN.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/pin.py" />
      <source>The PIN is too easy to guess.</source>
      <translation>PIN слишком легко угадать.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/pin.py" />
      <source>The PIN must be {lo} to {hi} digits.</source>
      <translation>PIN должен содержать от {lo} до {hi} цифр.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/pin.py" />
      <source>Too many wrong PINs. Try again in {n} min.</source>
      <translation>Слишком много неверных PIN. Повторите через {n} мин.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/pin.py" />
      <source>Wrong PIN. The PIN is locked for {n} min.</source>
      <translation>Неверный PIN. Ввод PIN заблокирован на {n} мин.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/pin.py" />
      <source>Wrong PIN. {n} tries left.</source>
      <translation>Неверный PIN. Осталось попыток: {n}.</translation>
    </message>
  </context>
  <context>
    <name>Provider</name>
    <message>
      <location filename="../../pos_app/providers/errors.py" />
      <source>No answer from {provider}. The result is being checked.</source>
      <translation>Нет ответа от {provider}. Результат проверяется.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/errors.py" />
      <source>{provider} asks to slow down (HTTP {status}). The result is being checked.</source>
      <translation>{provider} просит повторить позже (HTTP {status}). Результат проверяется.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/errors.py" />
      <source>{provider} refused the terminal's credentials (HTTP {status}). Ask the store manager to check the settings.</source>
      <translation>{provider} не принял учётные данные терминала (HTTP {status}). Попросите менеджера магазина проверить настройки.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/errors.py" />
      <source>{provider} sent an answer that cannot be read. The result is being checked.</source>
      <translation>{provider} прислал ответ, который нельзя прочитать. Результат проверяется.</translation>
    </message>
  </context>
  <context>
    <name>QAbstractFileIconProvider</name>
    <message>
      <location filename="../../pos_app/ui/translations.py" />
      <source>Drive</source>
      <translation>Диск</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/translations.py" />
      <source>Folder</source>
      <comment>All other platforms</comment>
      <translation>Папка</translation>
    </message>
  </context>
  <context>
    <name>QFileDialog</name>
    <message>
      <location filename="../../pos_app/ui/translations.py" />
      <source>&amp;Look in:</source>
      <translation>&amp;Папка:</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/translations.py" />
      <source>Files of &amp;type:</source>
      <translation>&amp;Тип файлов:</translation>
    </message>
  </context>
  <context>
    <name>QPrintSettingsOutput</name>
    <message>
      <location filename="../../pos_app/ui/translations.py" />
      <source>Page &amp;Set:</source>
      <translation>&amp;Набор страниц:</translation>
    </message>
  </context>
  <context>
    <name>Receipt</name>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Approval code</source>
      <translation>Код авторизации</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Card</source>
      <translation>Карта</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Confirmed</source>
      <translation>Подтверждено</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>DUPLICATE</source>
      <translation>ДУБЛИКАТ</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Discount</source>
      <translation>Скидка</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Invoice</source>
      <translation>Счёт</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>KZO</source>
      <translation>КЗО</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Merchant</source>
      <translation>Мерчант</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>NOT PAID: CANCELLED</source>
      <translation>НЕ ОПЛАЧЕНО: ОТМЕНЕНО</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>NOT PAID: DECLINED</source>
      <translation>НЕ ОПЛАЧЕНО: ОТКЛОНЕНО</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>NOT PAID: EXPIRED</source>
      <translation>НЕ ОПЛАЧЕНО: СРОК ИСТЁК</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Of sale {sale}</source>
      <translation>По продаже {sale}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Operation</source>
      <translation>Операция</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Operation time</source>
      <translation>Время операции</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Order</source>
      <translation>Заказ</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>PAID</source>
      <translation>ОПЛАЧЕНО</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>PAID, PARTLY REFUNDED</source>
      <translation>ОПЛАЧЕНО, ЧАСТИЧНО ВОЗВРАЩЕНО</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>PAID, REFUND IN PROGRESS</source>
      <translation>ОПЛАЧЕНО, ИДЁТ ВОЗВРАТ</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>PAYOUT</source>
      <translation>ВЫПЛАТА</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Paid with</source>
      <translation>Способ оплаты</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Payment transaction</source>
      <translation>Транзакция оплаты</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Payment type</source>
      <translation>Тип оплаты</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Payout</source>
      <translation>Выплата</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Printed again on {when}</source>
      <translation>Напечатано повторно {when}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>REFUND</source>
      <translation>ВОЗВРАТ</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>REFUNDED</source>
      <translation>ВОЗВРАЩЕНО</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>RETURNED</source>
      <translation>ВОЗВРАЩЕНО</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>RRN</source>
      <translation>RRN</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Received</source>
      <translation>Получено</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Reference</source>
      <translation>Номер</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Refund by amount</source>
      <translation>Возврат по сумме</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Refund transaction</source>
      <translation>Транзакция возврата</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Refund {time}</source>
      <translation>Возврат {time}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Returned through</source>
      <translation>Возврат через</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>SBP QR id</source>
      <translation>ID QR СБП</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Sale</source>
      <translation>Продажа</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Status</source>
      <translation>Статус</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Store</source>
      <translation>Магазин</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Store id</source>
      <translation>ID магазина</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Subtotal</source>
      <translation>Подытог</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>TOTAL</source>
      <translation>ИТОГ</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>TRAINING — NOT A REAL PAYMENT</source>
      <translation>ОБУЧЕНИЕ — НЕ НАСТОЯЩАЯ ОПЛАТА</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Terminal</source>
      <translation>Терминал</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>To</source>
      <translation>Получатель</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Transaction</source>
      <translation>Транзакция</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>Without VAT</source>
      <translation>Без НДС</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>by the provider's receipt</source>
      <translation>по чеку сервиса</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>incl. VAT 0%</source>
      <translation>в т.ч. НДС 0%</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>incl. VAT 10%</source>
      <translation>в т.ч. НДС 10%</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>incl. VAT 10/110</source>
      <translation>в т.ч. НДС 10/110</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>incl. VAT 20%</source>
      <translation>в т.ч. НДС 20%</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>incl. VAT 20/120</source>
      <translation>в т.ч. НДС 20/120</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/receipt.py" />
      <source>manually by the manager</source>
      <translation>вручную менеджером</translation>
    </message>
  </context>
  <context>
    <name>ReceiptScreen</name>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>Done</source>
      <translation>Готово</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>PDF files (*.pdf)</source>
      <translation>Файлы PDF (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>Paper</source>
      <translation>Бумага</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>Print…</source>
      <translation>Печать…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>Provider's receipt</source>
      <translation>Чек сервиса</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>Refund {time}, {amount}</source>
      <translation>Возврат {time}, {amount}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>Sale receipt</source>
      <translation>Чек продажи</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>Save as PDF…</source>
      <translation>Сохранить в PDF…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>Save the receipt</source>
      <translation>Сохранить чек</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>Saved to {path}</source>
      <translation>Сохранено в {path}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>Sent to the printer {printer}.</source>
      <translation>Отправлено на принтер {printer}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>The provider's receipt file cannot be shown.</source>
      <translation>Файл чека сервиса нельзя показать.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/receipts.py" />
      <source>{n} mm</source>
      <translation>{n} мм</translation>
    </message>
  </context>
  <context>
    <name>Reconciliation</name>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>Amount differs</source>
      <translation>Сумма не совпадает</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>Balance change differs</source>
      <translation>Изменение баланса не совпадает</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>Could not be checked</source>
      <translation>Не удалось проверить</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>Paid at the provider, not recorded here</source>
      <translation>Оплачено у сервиса, нет в журнале</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>Recorded here, unknown to the provider</source>
      <translation>Есть в журнале, сервис не знает</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>Resolving a difference needs a reason and who decided.</source>
      <translation>Для решения по расхождению нужны причина и имя того, кто решил.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>State differs</source>
      <translation>Состояние не совпадает</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>This difference is already resolved.</source>
      <translation>По этому расхождению уже принято решение.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>cannot be asked without its transaction id: check it in the provider's cabinet</source>
      <translation>без номера транзакции сервис не спросить: проверьте платёж в кабинете сервиса</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>not configured</source>
      <translation>не настроен</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>not found</source>
      <translation>не найден</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>the site's balance</source>
      <translation>баланс сайта</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reconcile.py" />
      <source>{state} {amount}</source>
      <translation>{state} {amount}</translation>
    </message>
  </context>
  <context>
    <name>Refund</name>
    <message>
      <location filename="../../pos_app/core/refunds.py" />
      <source>Choose at least one item to return.</source>
      <translation>Выберите хотя бы один товар для возврата.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/refunds.py" />
      <source>Only {left} can still be refunded.</source>
      <translation>Вернуть можно только {left}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/refunds.py" />
      <source>Only {left} of “{name}” can still be returned.</source>
      <translation>Вернуть можно только {left} товара «{name}».</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/refunds.py" />
      <source>The amount to refund must be greater than zero.</source>
      <translation>Сумма возврата должна быть больше нуля.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/refunds.py" />
      <source>The quantity to return must be greater than zero.</source>
      <translation>Количество для возврата должно быть больше нуля.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/refunds.py" />
      <source>The sale has no line {n}.</source>
      <translation>В продаже нет строки {n}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/refunds.py" />
      <source>“{name}” is not sold by the piece, so it can only be returned as a whole.</source>
      <translation>«{name}» продаётся не поштучно, поэтому вернуть его можно только целиком.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/refunds.py" />
      <source>“{name}” is sold by the piece: return whole pieces.</source>
      <translation>«{name}» продаётся поштучно: возвращайте целые штуки.</translation>
    </message>
  </context>
  <context>
    <name>Report</name>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Cancelled</source>
      <translation>Отменено</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Cashier</source>
      <translation>Кассир</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Closed</source>
      <translation>Закрыта</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Closed by</source>
      <translation>Кто закрыл</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Declined</source>
      <translation>Отклонено</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Expired</source>
      <translation>Истёк срок</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>In progress</source>
      <translation>В процессе</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Made</source>
      <translation>Сформирован</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>NOT RESOLVED</source>
      <translation>НЕ РЕШЕНО</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Net</source>
      <translation>Итого за вычетом возвратов</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>No payments in this shift.</source>
      <translation>В этой смене нет платежей.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Opened</source>
      <translation>Открыта</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Paid</source>
      <translation>Оплачено</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Payouts</source>
      <translation>Выплаты</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>RECONCILIATION AND DECISIONS</source>
      <translation>СВЕРКА И РЕШЕНИЯ</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Refunded</source>
      <translation>Возвраты</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Refused by the provider, nothing created</source>
      <translation>Отклонено сервисом до создания</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Shift</source>
      <translation>Смена</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>TOTAL</source>
      <translation>ИТОГО</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>TRAINING — NOT REAL MONEY</source>
      <translation>ОБУЧЕНИЕ — НЕ НАСТОЯЩИЕ ДЕНЬГИ</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Terminal</source>
      <translation>Терминал</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Unknown outcome</source>
      <translation>Исход неизвестен</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>X REPORT — SHIFT STAYS OPEN</source>
      <translation>X-ОТЧЁТ — СМЕНА ОСТАЁТСЯ ОТКРЫТОЙ</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>Z REPORT — SHIFT CLOSED</source>
      <translation>Z-ОТЧЁТ — СМЕНА ЗАКРЫТА</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>resolved by {actor}: {reason}</source>
      <translation>решено ({actor}): {reason}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>{provider} {ref}: {what} (here {ours}, there {theirs}) — {decided}</source>
      <translation>{provider} {ref}: {what} (здесь {ours}, там {theirs}) — {decided}</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>{sale} {amount} {provider}: STILL NEEDS ATTENTION ({state}) — see Needs attention</source>
      <translation>{sale} {amount} {provider}: ВСЁ ЕЩЁ ТРЕБУЕТ ВНИМАНИЯ ({state}) — см. «Требуют внимания»</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>{sale} {amount} {provider}: alert dealt with by {actor}: {note} ({alert})</source>
      <translation>{sale} {amount} {provider}: предупреждение разобрано ({actor}): {note} ({alert})</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/reports.py" />
      <source>{sale} {amount} {provider}: {state} — {reason}</source>
      <translation>{sale} {amount} {provider}: {state} — {reason}</translation>
    </message>
  </context>
  <context>
    <name>Sale</name>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>A sale line needs a name.</source>
      <translation>У строки продажи должно быть наименование.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Add amount</source>
      <translation>Добавить сумму</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Add line…</source>
      <translation>Добавить строку…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Add {amount} as an amount? No product has these digits, and as a barcode their check digit is wrong.</source>
      <translation>Добавить {amount} как сумму? Товара с такими цифрами нет, а как штрихкод у них неверная контрольная цифра.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>All lines of a sale must be in {currency}.</source>
      <translation>Все строки продажи должны быть в {currency}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Amount or barcode</source>
      <translation>Сумма или штрихкод</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Clear sale</source>
      <translation>Очистить</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Clear the sale ({amount}) and start a new one?</source>
      <translation>Очистить продажу ({amount}) и начать новую?</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Edit</source>
      <translation>Изменить</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Item</source>
      <translation>Товар</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>No product has the barcode {code}, and its check digit is wrong: check it and scan or type it again.</source>
      <translation>Товара со штрихкодом {code} нет, и контрольная цифра в нём неверна: проверьте его и отсканируйте или введите снова.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>No product with the barcode {code}.</source>
      <translation>Товара со штрихкодом {code} нет.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Not added: check the barcode and scan or type it again.</source>
      <translation>Не добавлено: проверьте штрихкод и отсканируйте или введите его снова.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Pay</source>
      <translation>Оплатить</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Price</source>
      <translation>Цена</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Quantity</source>
      <translation>Кол-во</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Remove</source>
      <translation>Удалить</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Sale</source>
      <translation>Продажа</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Starting…</source>
      <translation>Запуск…</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>The discount on “{name}” is larger than the line.</source>
      <translation>Скидка на «{name}» больше суммы строки.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>The price of “{name}” cannot be negative.</source>
      <translation>Цена «{name}» не может быть отрицательной.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>The quantity of “{name}” cannot be more than {most}.</source>
      <translation>Количество «{name}» не может быть больше {most}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>The quantity of “{name}” must be greater than zero.</source>
      <translation>Количество «{name}» должно быть больше нуля.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>The sale changed while the till was starting: press Pay again.</source>
      <translation>Продажа изменилась, пока касса запускалась: нажмите «Оплатить» ещё раз.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>The sale has no lines.</source>
      <translation>В продаже нет строк.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>The till is starting; Pay works in a moment.</source>
      <translation>Касса запускается; оплата будет доступна через мгновение.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>The till is starting; the payment goes on in a moment.</source>
      <translation>Касса запускается; оплата продолжится через мгновение.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Total</source>
      <translation>Сумма</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Total: {amount}</source>
      <translation>Итого: {amount}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>Type an amount or a barcode first, then press Add amount.</source>
      <translation>Сначала введите сумму или штрихкод, затем нажмите «Добавить сумму».</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>cm</source>
      <translation>см</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>cm²</source>
      <translation>см²</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>dm</source>
      <translation>дм</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>dm²</source>
      <translation>дм²</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>e.g. 149,90</source>
      <translation>например, 149,90</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>g</source>
      <translation>г</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>kg</source>
      <translation>кг</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>m</source>
      <translation>м</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/sale.py" />
      <source>t</source>
      <translation>т</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>{amount} is less than any way to pay here takes (from {least}).</source>
      <translation>{amount} — меньше, чем принимает любой способ оплаты здесь (от {least}).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/sale.py" />
      <source>{amount} is more than any way to pay here takes (at most {most}): a barcode typed with a mistake?</source>
      <translation>{amount} — больше, чем принимает любой способ оплаты здесь (не более {most}): штрихкод введён с ошибкой?</translation>
    </message>
  </context>
  <context>
    <name>Secrets</name>
    <message>
      <location filename="../../pos_app/core/secrets.py" />
      <source>Live mode needs the secrets {names}, but this computer has no secret store (keyring). Set the environment variables {envs}, or use --demo for training.</source>
      <translation>Рабочему режиму нужны секреты {names}, но на этом компьютере нет хранилища секретов (keyring). Задайте переменные окружения {envs} или используйте --demo для обучения.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/secrets.py" />
      <source>Live mode needs the secrets {names}. Store them with “pos-app config set-secret NAME” or set {envs}.</source>
      <translation>Рабочему режиму нужны секреты {names}. Сохраните их командой «pos-app config set-secret ИМЯ» или задайте {envs}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/secrets.py" />
      <source>The secret store refused {provider}.{name} ({error}). Set the environment variable {env} instead.</source>
      <translation>Хранилище секретов не приняло {provider}.{name} ({error}). Задайте вместо этого переменную окружения {env}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/secrets.py" />
      <source>This computer has no secret store (keyring) to save {provider}.{name} in. Set the environment variable {env} instead.</source>
      <translation>На этом компьютере нет хранилища секретов (keyring), чтобы сохранить {provider}.{name}. Задайте вместо этого переменную окружения {env}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/secrets.py" />
      <source>{provider}.{name} is {n} characters long; this computer's secret store keeps at most {most}. Set the environment variable {env} instead.</source>
      <translation>{provider}.{name} длиной {n} символов; хранилище секретов этого компьютера держит не больше {most}. Задайте вместо этого переменную окружения {env}.</translation>
    </message>
  </context>
  <context>
    <name>Settings</name>
    <message>
      <location filename="../../pos_app/providers/paymega/widgets.py" />
      <source>API</source>
      <translation>API</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings_box.py" />
      <source>Address (base URL)</source>
      <translation>Адрес (базовый URL)</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/widgets.py" />
      <source>Always</source>
      <translation>Всегда</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Automatic</source>
      <translation>Автоматически</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Back</source>
      <translation>Назад</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Browse…</source>
      <translation>Обзор…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>CSV files (*.csv)</source>
      <translation>Файлы CSV (*.csv)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings_box.py" />
      <source>Callback secret key</source>
      <translation>Секретный ключ уведомлений</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Change the manager PIN…</source>
      <translation>Сменить PIN менеджера…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Changes of providers and of the terminal take effect after a restart.</source>
      <translation>Изменения сервисов и терминала вступают в силу после перезапуска.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Connecting…</source>
      <translation>Подключение…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Customer display (a second window)</source>
      <translation>Экран покупателя (второе окно)</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/widgets.py" />
      <source>Deposit type</source>
      <translation>Тип пополнения</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/widgets.py" />
      <source>Dolyame (pay in four parts)</source>
      <translation>Долями (оплата частями)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings_box.py" />
      <source>Enabled on this terminal</source>
      <translation>Включён на этом терминале</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Head office</source>
      <translation>Головной офис</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Kiosk mode: full screen, leaving needs the PIN</source>
      <translation>Режим киоска: во весь экран, выход по PIN</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Language</source>
      <translation>Язык</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Leave the settings without saving your changes?</source>
      <translation>Выйти из настроек, не сохранив изменения?</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Live mode will not start until this is fixed: {problem}</source>
      <translation>Рабочий режим не запустится, пока это не исправлено: {problem}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings_box.py" />
      <source>Login</source>
      <translation>Логин</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Manager PIN</source>
      <translation>PIN менеджера</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Manager PIN (the one set)</source>
      <translation>PIN менеджера (уже заданный)</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/widgets.py" />
      <source>Never (callbacks and expiry only)</source>
      <translation>Никогда (только уведомления и срок)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>No catalog: products are added by amount.</source>
      <translation>Каталога нет: товары добавляются по сумме.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Nothing was saved. {reason}</source>
      <translation>Ничего не сохранено. {reason}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Nothing was saved: live mode starts with these settings as they are, and with these changes it would not. {problem}</source>
      <translation>Ничего не сохранено: с текущими настройками рабочий режим запускается, а с этими изменениями не запустится. {problem}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>PIN again</source>
      <translation>PIN ещё раз</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Paper width, mm</source>
      <translation>Ширина бумаги, мм</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings_box.py" />
      <source>Password</source>
      <translation>Пароль</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Payment providers</source>
      <translation>Платёжные сервисы</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/widgets.py" />
      <source>Payment type</source>
      <translation>Тип оплаты</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Printer</source>
      <translation>Принтер</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/widgets.py" />
      <source>Private (login and password)</source>
      <translation>Закрытый (логин и пароль)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Product catalog</source>
      <translation>Каталог товаров</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Product catalog (CSV)</source>
      <translation>Каталог товаров (CSV)</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/widgets.py" />
      <source>Public (public key only)</source>
      <translation>Публичный (только публичный ключ)</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/widgets.py" />
      <source>Public key</source>
      <translation>Публичный ключ</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Receipts and display</source>
      <translation>Чеки и экран</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/widgets.py" />
      <source>Refunds</source>
      <translation>Возвраты</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/widgets.py" />
      <source>SBP (Faster Payments System)</source>
      <translation>СБП (Система быстрых платежей)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Save</source>
      <translation>Сохранить</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Save and start</source>
      <translation>Сохранить и начать</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Saved to {path}.</source>
      <translation>Сохранено в {path}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Security</source>
      <translation>Безопасность</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/widgets.py" />
      <source>Service</source>
      <translation>Сервис</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Set up this terminal</source>
      <translation>Настройка терминала</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings_box.py" />
      <source>Site token</source>
      <translation>Токен сайта</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/widgets.py" />
      <source>Status endpoint</source>
      <translation>Запрос статуса</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Store address</source>
      <translation>Адрес магазина</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Store id (from Koshelek)</source>
      <translation>ID магазина (от Koshelek)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Store name (on receipts)</source>
      <translation>Название магазина (в чеках)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>System default</source>
      <translation>Как в системе</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/widgets.py" />
      <source>TOTP bridge program</source>
      <translation>Программа-мост TOTP</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Terminal</source>
      <translation>Терминал</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Terminal id</source>
      <translation>ID терминала</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings_box.py" />
      <source>Test connection</source>
      <translation>Проверить связь</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/paymega/widgets.py" />
      <source>Test mode</source>
      <translation>Тестовый режим</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/koshelek/widgets.py" />
      <source>The TOTP bridge program is not a valid command line: {error}</source>
      <translation>Программа-мост TOTP задана некорректной командной строкой: {error}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>The configuration cannot be used yet (see below). The store manager completes it and confirms with the manager PIN of this till. Secrets go to the system's keyring.</source>
      <translation>Настройки пока нельзя использовать (см. ниже). Менеджер магазина дополняет их и подтверждает PIN менеджера этой кассы. Секреты сохраняются в системном хранилище (keyring).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>The configuration cannot be used yet (see below). The store manager completes it: the manager PIN, the store and terminal ids and at least one payment provider. Secrets go to the system's keyring.</source>
      <translation>Настройки пока нельзя использовать (см. ниже). Менеджер магазина дополняет их: PIN менеджера, ID магазина и терминала и хотя бы один платёжный сервис. Секреты сохраняются в системном хранилище (keyring).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>The configuration file {path} cannot be written: {reason}. Nothing was saved.</source>
      <translation>Файл настроек {path} не удаётся записать: {reason}. Ничего не сохранено.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>The manager PIN is changed.</source>
      <translation>PIN менеджера изменён.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>The manager PIN protects refunds, settings, resolving payments by hand and leaving the kiosk. Five wrong PINs lock it for five minutes.</source>
      <translation>PIN менеджера защищает возвраты, настройки, решения по платежам вручную и выход из режима киоска. После пяти неверных попыток ввод блокируется на пять минут.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>The old file could not be read and was kept as {kept}.</source>
      <translation>Старый файл не читался и сохранён как {kept}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>The two PINs differ.</source>
      <translation>PIN-коды не совпадают.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>There is no configuration yet. The store manager sets the manager PIN, the store and terminal ids and at least one payment provider. Secrets go to the system's keyring.</source>
      <translation>Настроек пока нет. Менеджер магазина задаёт PIN менеджера, ID магазина и терминала и хотя бы один платёжный сервис. Секреты сохраняются в системном хранилище (keyring).</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>Training mode always uses the built-in sandboxes; the provider settings here are for live mode.</source>
      <translation>В режиме обучения всегда используются встроенные песочницы; настройки сервисов здесь — для рабочего режима.</translation>
    </message>
    <message>
      <location filename="../../pos_app/providers/pegas/widgets.py" />
      <source>Use it if the site has it</source>
      <translation>Использовать, если есть на сайте</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings_box.py" />
      <source>not set</source>
      <translation>не задан</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>{field}: not set</source>
      <translation>{field}: не задан</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings_box.py" />
      <source>{mask} (stored; type to replace)</source>
      <translation>{mask} (сохранён; введите, чтобы заменить)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>{n} mm</source>
      <translation>{n} мм</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>{n} products.</source>
      <translation>Товаров: {n}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/settings.py" />
      <source>{problem}

The file was not used: these settings are the built-in ones. Fix the file, or save Settings here: the broken file is then kept beside the new one.</source>
      <translation>{problem}

Файл не использован: здесь встроенные настройки. Исправьте файл или сохраните Настройки здесь — тогда испорченный файл останется рядом с новым.</translation>
    </message>
  </context>
  <context>
    <name>Shift</name>
    <message>
      <location filename="../../pos_app/core/shifts.py" />
      <source>Enter the cashier's name to open a shift.</source>
      <translation>Чтобы открыть смену, введите имя кассира.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/backoffice.py" />
      <source>No shift has been opened yet.</source>
      <translation>Ни одна смена ещё не открывалась.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/backoffice.py" />
      <source>No shift is open.</source>
      <translation>Открытой смены нет.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/shifts.py" />
      <source>Shift {number} is already closed.</source>
      <translation>Смена {number} уже закрыта.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/shifts.py" />
      <source>Shift {number} is still open; close it with the Z report first.</source>
      <translation>Смена {number} ещё открыта; сначала закройте её Z-отчётом.</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/shifts.py" />
      <source>The cashier's name is too long (60 characters at most).</source>
      <translation>Имя кассира слишком длинное (не более 60 символов).</translation>
    </message>
    <message>
      <location filename="../../pos_app/core/backoffice.py" />
      <source>There is no shift {number}.</source>
      <translation>Смены {number} нет.</translation>
    </message>
  </context>
  <context>
    <name>ShiftScreen</name>
    <message numerus="yes">
      <location filename="../../pos_app/ui/shift.py" />
      <source>%n payment(s) written to {path}</source>
      <translation>
        <numerusform>%n платёж записан в {path}</numerusform>
        <numerusform>%n платежа записаны в {path}</numerusform>
        <numerusform>%n платежей записано в {path}</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Asking the providers about every payment of the shift…</source>
      <translation>Запрашиваем у сервисов каждый платёж смены…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Back</source>
      <translation>Назад</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>CSV files (*.csv)</source>
      <translation>Файлы CSV (*.csv)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Cashier</source>
      <translation>Кассир</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Choose another file name.</source>
      <translation>Выберите другое имя файла.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Choose the file to write.</source>
      <translation>Выберите файл для записи.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Choose…</source>
      <translation>Выбрать…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Close shift (Z)…</source>
      <translation>Закрыть смену (Z)…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Close the shift</source>
      <translation>Закрытие смены</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Closed by</source>
      <translation>Закрывает</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Closing the shift needs the manager PIN.</source>
      <translation>Для закрытия смены нужен PIN менеджера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Enter the cashier's name.</source>
      <translation>Введите имя кассира.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Enter the name of whoever closes the shift.</source>
      <translation>Введите имя того, кто закрывает смену.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Export CSV…</source>
      <translation>Выгрузка CSV…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Export payments</source>
      <translation>Выгрузка платежей</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>File</source>
      <translation>Файл</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>For Excel with Russian settings (; and decimal comma)</source>
      <translation>Для русского Excel (; и десятичная запятая)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>From</source>
      <translation>С</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Here</source>
      <translation>У нас</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>No shift has been opened yet.</source>
      <translation>Ни одна смена ещё не открывалась.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Not settled yet: {payments}. If one ends paid after the Z report, it counts in no report (an alert will say so). Close the shift anyway?</source>
      <translation>Ещё не завершены: {payments}. Если какой-то из них оплатят после Z-отчёта, он не войдёт ни в один отчёт (появится предупреждение). Всё равно закрыть смену?</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Open a shift</source>
      <translation>Открытие смены</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Open shift…</source>
      <translation>Открыть смену…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Opening the shift…</source>
      <translation>Открываем смену…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>PDF files (*.pdf)</source>
      <translation>Файлы PDF (*.pdf)</translation>
    </message>
    <message numerus="yes">
      <location filename="../../pos_app/ui/shift.py" />
      <source>Payments that still need attention: %n — money to give back or a decision to take (see Needs attention). They stay there after the Z report. Close the shift anyway?</source>
      <translation>
        <numerusform>Ещё %n платёж требует внимания: деньги к возврату или решение (см. «Требуют внимания»). Он останется там и после Z-отчёта. Закрыть смену всё равно?</numerusform>
        <numerusform>Ещё %n платежа требуют внимания: деньги к возврату или решение (см. «Требуют внимания»). Они останутся там и после Z-отчёта. Закрыть смену всё равно?</numerusform>
        <numerusform>Ещё %n платежей требуют внимания: деньги к возврату или решение (см. «Требуют внимания»). Они останутся там и после Z-отчёта. Закрыть смену всё равно?</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Print…</source>
      <translation>Печать…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Provider</source>
      <translation>Сервис</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Reconcile</source>
      <translation>Сверка</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Reconciliation in progress…</source>
      <translation>Идёт сверка…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Reconciliation stopped after {done} of {total} payments: not complete.</source>
      <translation>Сверка остановлена после {done} из {total} платежей: она не завершена.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Reconciliation stopped before any payment was compared: not complete.</source>
      <translation>Сверка остановлена до сравнения первого платежа: она не завершена.</translation>
    </message>
    <message numerus="yes">
      <location filename="../../pos_app/ui/shift.py" />
      <source>Reconciliation: %n difference(s) to resolve.</source>
      <translation>
        <numerusform>Сверка: %n расхождение требует решения.</numerusform>
        <numerusform>Сверка: %n расхождения требуют решения.</numerusform>
        <numerusform>Сверка: %n расхождений требуют решения.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Reconciliation: every difference is resolved.</source>
      <translation>Сверка: по всем расхождениям приняты решения.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Reconciliation: everything matches what the providers say.</source>
      <translation>Сверка: всё совпадает с данными сервисов.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Reference</source>
      <translation>Ссылка</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Resolve a difference</source>
      <translation>Решение по расхождению</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Resolve the selected difference…</source>
      <translation>Решить выбранное расхождение…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Resolving a difference needs the manager PIN.</source>
      <translation>Для решения по расхождению нужен PIN менеджера.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Save as PDF…</source>
      <translation>Сохранить в PDF…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Save the report</source>
      <translation>Сохранение отчёта</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Saved to {path}</source>
      <translation>Сохранено в {path}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Shift {number} has been open for over 24 hours. Close it with the Z report.</source>
      <translation>Смена {number} открыта больше 24 часов. Закройте её Z-отчётом.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Shift {number} is closed. Print the Z report for the records now?</source>
      <translation>Смена {number} закрыта. Напечатать Z-отчёт для учёта сейчас?</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Shift {number} · {cashier} · closed {when}</source>
      <translation>Смена {number} · {cashier} · закрыта {when}</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Shift {number} · {cashier} · open since {when} ({hours} h)</source>
      <translation>Смена {number} · {cashier} · открыта с {when} ({hours} ч)</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Stop the export</source>
      <translation>Остановить выгрузку</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Stop the reconciliation</source>
      <translation>Остановить сверку</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Store</source>
      <translation>Магазин</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>The folder {folder} does not exist.</source>
      <translation>Папки {folder} нет.</translation>
    </message>
    <message numerus="yes">
      <location filename="../../pos_app/ui/shift.py" />
      <source>The reconciliation left %n difference(s) unresolved. They stay listed with this shift. Close the shift anyway?</source>
      <translation>
        <numerusform>После сверки осталось %n расхождение без решения. Оно останется в списке этой смены. Всё равно закрыть смену?</numerusform>
        <numerusform>После сверки осталось %n расхождения без решения. Они останутся в списке этой смены. Всё равно закрыть смену?</numerusform>
        <numerusform>После сверки осталось %n расхождений без решения. Они останутся в списке этой смены. Всё равно закрыть смену?</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>There</source>
      <translation>У сервиса</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>To</source>
      <translation>По</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>What</source>
      <translation>Что</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>What was checked and what was done about it</source>
      <translation>Что проверили и что сделали</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>Writing the payments to {path}…</source>
      <translation>Платежи записываются в {path}…</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>X report</source>
      <translation>X-отчёт</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>{amount} by {provider} ({state})</source>
      <translation>{amount} через {provider} ({state})</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>{n} mm</source>
      <translation>{n} мм</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>{path} exists already. Replace it?</source>
      <translation>Файл {path} уже есть. Заменить его?</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>{path} is a folder: give a file name.</source>
      <translation>{path} — это папка: укажите имя файла.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>{what}: {ref}. Here: {ours}. At the provider: {theirs}.</source>
      <translation>{what}: {ref}. У нас: {ours}. У сервиса: {theirs}.</translation>
    </message>
    <message>
      <location filename="../../pos_app/ui/shift.py" />
      <source>✓ {what} — resolved ({actor}: {reason})</source>
      <translation>✓ {what} — решено ({actor}: {reason})</translation>
    </message>
  </context>
  <context>
    <name>Widgets</name>
    <message>
      <location filename="../../pos_app/ui/widgets.py" />
      <source>Time left: {time}</source>
      <translation>Осталось: {time}</translation>
    </message>
  </context>
</TS>
