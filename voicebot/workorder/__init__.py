"""The 12345 work order (GB/T 33358 工单): taxonomy, urgency and 办理时限, city gazetteer, routing to 承办单位.

The four operator files (samples in ``data/``) are loaded and checked once at start-up (``load_book``);
``build_work_order`` turns the action server's fields into a frozen ``WorkOrder`` when a ticket is saved.
"""
